// The web console's static files (the repository's console/ folder), embedded into the binary at
// build time by cmake/embed_console.cmake, so `perimeter serve` needs no file beside it.
#ifndef PERIMETER_SERVER_CONSOLE_ASSETS_H_
#define PERIMETER_SERVER_CONSOLE_ASSETS_H_

#include <span>
#include <string_view>

namespace perimeter::server {

struct ConsoleAsset {
  std::string_view path;          // "/console/app.js" (index.html is also "/console/")
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // strong: "\"" + the first 32 hex digits of its SHA-256 + "\""
  std::string_view bytes;
};

// Every file, sorted by path.
std::span<const ConsoleAsset> ConsoleAssets();

// The file served at `path` ("/console/" is index.html); nullptr when none.
const ConsoleAsset* FindConsoleAsset(std::string_view path);

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_CONSOLE_ASSETS_H_
