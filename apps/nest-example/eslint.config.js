import shared from '../../eslint.config.js';

export default [
  ...shared,
  {
    // Injected classes must stay value imports: decorator metadata names them at run time.
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
  },
];
