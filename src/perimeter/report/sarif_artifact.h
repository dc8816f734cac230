// The artifactLocation of a SARIF 2.1.0 result (SARIF 2.1.0 §3.4, §3.4.3: `uri` is a URI
// reference): a file name with what RFC 3986 does not allow in a URI reference percent-encoded, and
// standard input ("-" or "<stdin>") without a uri, described instead. Shared by every SARIF writer.
#ifndef PERIMETER_REPORT_SARIF_ARTIFACT_H_
#define PERIMETER_REPORT_SARIF_ARTIFACT_H_

#include <string>
#include <string_view>

#include "perimeter/json/writer.h"

namespace perimeter::report {

// `path` as a URI reference: bytes other than RFC 3986's unreserved and reserved characters (and
// '%') percent-encoded; '\\' becomes '/'.
std::string SarifUri(std::string_view path);

// Writes the member "artifactLocation" for `path`.
void WriteSarifArtifactLocation(json::Writer& w, std::string_view path);

}  // namespace perimeter::report

#endif  // PERIMETER_REPORT_SARIF_ARTIFACT_H_
