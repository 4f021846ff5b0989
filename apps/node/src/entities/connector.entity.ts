import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('connector')
export class ConnectorEntity {
  @PrimaryColumn({ name: 'system_id', type: 'text' })
  systemId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** AES-256-GCM under a key derived from NODE_KEY_PASSPHRASE (SecretBox); HMAC needs the secret itself. */
  @Column({ name: 'secret_ciphertext', type: 'text' })
  secretCiphertext!: string;

  @Column({ type: 'text', array: true })
  agencies!: string[];

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'secret_set_at', type: 'timestamptz' })
  secretSetAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
