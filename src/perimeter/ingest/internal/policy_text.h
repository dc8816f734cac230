// A policy found in a template as the JSON text ValidatePolicy reads, and the way back from each
// byte of that text to the place in the file where it is written (ingest/template_policies.h).
#ifndef PERIMETER_INGEST_INTERNAL_POLICY_TEXT_H_
#define PERIMETER_INGEST_INTERNAL_POLICY_TEXT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/source_position.h"
#include "perimeter/ingest/internal/source_tree.h"

namespace perimeter::ingest::internal {

struct PolicyText {
  std::string json;
  std::function<base::SourcePosition(uint32_t offset)> locate;
};

// `node` (a resolved policy mapping of a template) serialised as compact JSON, each key and scalar
// mapped to its place in `source` (the template's text): byte for byte where the file holds the
// text as written (a JSON literal, through its escapes; a YAML scalar, plain or quoted, on its
// line), else (a string an intrinsic function built) to the node's place.
PolicyText MappingPolicyText(const SourceNode& node, std::shared_ptr<const std::string> source);

// A policy held by a string: `node` of a template (a JSON string literal, a YAML scalar, or a
// string an intrinsic function built, which maps to the node's place as a whole).
PolicyText StringPolicyText(const SourceNode& node, std::shared_ptr<const std::string> source);

// A policy held by a JSON string literal of a Terraform plan: `text` decoded, `literal` as written
// (quotes included) at `position`.
PolicyText LiteralPolicyText(std::string_view text, std::string_view literal,
                             base::SourcePosition position);

// Where each byte of the value of the YAML scalar `node` is written in `source`, scanning from the
// scalar's start (past its tag, for a tagged one) past what YAML adds around it (quotes, escape
// backslashes, doubled single quotes, indentation, line breaks, a block scalar's indicator line; a
// folded line break reads as a space). nullopt when the value is not found that way (a string an
// intrinsic function built, an escape YAML writes otherwise).
std::optional<std::vector<uint32_t>> YamlScalarRawOffsets(std::string_view source,
                                                          const SourceNode& node);

// Where each byte of the string `node` is written in `source`: its origins (a string an intrinsic
// function built), through its literal's escapes (a JSON string), or found in the YAML scalar
// (YamlScalarRawOffsets). nullopt when none of these tell.
std::optional<std::vector<uint32_t>> StringByteOffsets(std::string_view source,
                                                       const SourceNode& node);

}  // namespace perimeter::ingest::internal

#endif  // PERIMETER_INGEST_INTERNAL_POLICY_TEXT_H_
