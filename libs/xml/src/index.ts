export * from './xml-input.error';
export * from './limits';
export * from './parse-secure';
