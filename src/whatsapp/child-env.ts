// The environment a session child process starts with: an allow-list, not the worker's whole
// environment. The child is configured over IPC (database URL, paths, log level), so it needs
// only what node, Chromium and the C library read; SESSION_SECRET, DATABASE_URL, cloud
// credentials and anything else the worker was started with stay out of a process that runs a
// browser on a customer-facing WhatsApp session.
const ALLOWED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TMP', 'TEMP', 'NODE_ENV', 'DISPLAY', 'FONTCONFIG_PATH', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS'];
const ALLOWED_PREFIXES = ['LC_', 'XDG_'];

export function childEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (ALLOWED.includes(k) || ALLOWED_PREFIXES.some((p) => k.startsWith(p)))) out[k] = v;
  }
  return out;
}
