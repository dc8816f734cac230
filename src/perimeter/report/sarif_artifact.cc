#include "perimeter/report/sarif_artifact.h"

namespace perimeter::report {

std::string SarifUri(std::string_view path) {
  static constexpr std::string_view kAllowed =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    if (c == '\\') {
      out += '/';
    } else if (kAllowed.find(c) != std::string_view::npos) {
      out += c;
    } else {
      unsigned char byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

void WriteSarifArtifactLocation(json::Writer& w, std::string_view path) {
  w.Key("artifactLocation").BeginObject();
  if (path == "-" || path == "<stdin>") {
    w.Key("description").BeginObject().Key("text").String("standard input").EndObject();
  } else {
    w.Key("uri").String(SarifUri(path));
  }
  w.EndObject();
}

}  // namespace perimeter::report
