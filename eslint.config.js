import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.puppeteerrc.cjs', 'node_modules/', '.novi/', '.novi-test/', '.novi-bench/', 'web/static/vendor/', 'tests/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', document: 'readonly', window: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Async generators close over the instance; aliasing `this` there is clearer than rebinding.
      '@typescript-eslint/no-this-alias': 'off',
      // The parser strips control characters from WhatsApp text on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Static scripts served to the browser: no build step, globals from <script> tags.
    files: ['web/static/**/*.js'],
    languageOptions: {
      globals: { uPlot: 'readonly', htmx: 'readonly', fetch: 'readonly', WebSocket: 'readonly', location: 'readonly', requestAnimationFrame: 'readonly', getComputedStyle: 'readonly', ResizeObserver: 'readonly', navigator: 'readonly', CustomEvent: 'readonly', FormData: 'readonly', HTMLElement: 'readonly', Element: 'readonly', Node: 'readonly' },
    },
  },
);
