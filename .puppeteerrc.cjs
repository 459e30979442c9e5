// whatsapp-web.js pulls in puppeteer; Novi drives Debian's /usr/bin/chromium (CHROMIUM_PATH),
// so never download a browser at install time (there is no network for it anyway).
module.exports = { skipDownload: true };
