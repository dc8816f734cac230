// A position in an input document, kept on every parsed element so that errors, validation findings
// and SARIF results can point at the exact place in the user's file.
#ifndef PERIMETER_BASE_SOURCE_POSITION_H_
#define PERIMETER_BASE_SOURCE_POSITION_H_

#include <cstdint>
#include <string>

namespace perimeter::base {

struct SourcePosition {
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in bytes
  uint32_t offset = 0;  // 0-based byte offset from the start of the document

  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

// "line:column", as compilers print it.
std::string ToString(const SourcePosition& position);

}  // namespace perimeter::base

#endif  // PERIMETER_BASE_SOURCE_POSITION_H_
