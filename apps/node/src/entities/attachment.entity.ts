import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('attachment')
export class AttachmentEntity {
  @PrimaryColumn({ name: 'document_uuid', type: 'uuid' })
  documentUuid!: string;

  @PrimaryColumn({ type: 'integer' })
  index!: number;

  @Column({ name: 'content_id', type: 'text' })
  contentId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ type: 'bytea' })
  data!: Buffer;
}
