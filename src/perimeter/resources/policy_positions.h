// Where a policy's statements are written in the source file, for policies held as JSON strings
// (AWS's way: a policy document inside a Config item, a Terraform plan or an inventory record) or
// as JSON objects. SARIF results and explanations point at the granting statement with these.
#ifndef PERIMETER_RESOURCES_POLICY_POSITIONS_H_
#define PERIMETER_RESOURCES_POLICY_POSITIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/source_position.h"
#include "perimeter/json/document.h"

namespace perimeter::resources {

// The position, in the document holding it, of byte `decoded_offset` of a JSON string's decoded
// value. `literal` is the string literal as written (quotes included, json::Value::source_text()),
// starting at `literal_position`. A JSON string holds no raw line break, so the line is the
// literal's; the column and offset advance by the raw length of what precedes the byte (an escape
// is 2 raw bytes for 1 decoded, `\uXXXX` 6 for 1-3, a surrogate pair 12 for 4). An offset past the
// end gives the closing quote.
base::SourcePosition LocateInStringLiteral(std::string_view literal,
                                           const base::SourcePosition &literal_position,
                                           uint32_t decoded_offset);

// `text` with every %XX decoded (RFC 3986 percent-encoding, as IAM's API returns policy documents;
// '+' stays '+'), and for each decoded byte its offset in `text`. Nullopt when a '%' is not
// followed by two hex digits.
struct PercentDecoded {
  std::string text;
  std::vector<uint32_t> raw_offsets;  // raw_offsets[i]: where decoded byte i starts in the input
};
std::optional<PercentDecoded> PercentDecode(std::string_view text);

// The positions of the elements of a policy's `Statement` (one, when it is a single object), by
// statement index, in the coordinates of the document holding `policy`: a JSON object (its
// elements' own positions) or a JSON string holding the policy's text, as JSON or URL-encoded JSON
// (mapped through the percent-encoding and the literal's escapes). Empty when there is no Statement
// to find (the policy does not parse).
std::vector<base::SourcePosition> PolicyStatementPositions(const json::Value &policy);

// The positions of the statements of the policy `text` holds (JSON, or URL-encoded JSON), each
// given by `locate` from the offset in `text` where the statement's `{` is written. Empty when
// there is no Statement to find.
std::vector<base::SourcePosition> PolicyStatementPositionsIn(
    std::string_view text, const std::function<base::SourcePosition(uint32_t)> &locate);

// The same for a policy held by a JSON string literal given apart: its decoded `text`, the
// `literal` as written (quotes included) and the literal's position (for sources that keep only
// these, such as a template's parsed tree).
std::vector<base::SourcePosition> PolicyStatementPositionsInLiteral(
    std::string_view text, std::string_view literal, const base::SourcePosition &literal_position);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_POLICY_POSITIONS_H_
