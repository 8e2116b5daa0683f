import shared from '../../eslint.config.js';

export default [
  ...shared,
  {
    // Injected classes must stay value imports: decorator metadata names them at run time.
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
  },
  {
    // The streaming page's script runs in the browser.
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: { document: 'readonly', EventSource: 'readonly', FormData: 'readonly', URLSearchParams: 'readonly' },
    },
  },
];
