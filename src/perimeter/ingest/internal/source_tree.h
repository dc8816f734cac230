// A positioned tree of the documents the converters read (JSON and YAML alike), so one converter
// serves CloudFormation templates in both syntaxes and every value keeps its place in the file.
//
// YAML scalars are kept as strings (CloudFormation reads them as strings; "123456789012" unquoted
// is an account id, not a number) except the null forms. CloudFormation's short-form tags (!Ref,
// !Sub, !GetAtt, ...) become their long forms ({"Ref": ...}, {"Fn::Sub": ...}) when the YAML is
// read.
#ifndef PERIMETER_INGEST_INTERNAL_SOURCE_TREE_H_
#define PERIMETER_INGEST_INTERNAL_SOURCE_TREE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/base/source_position.h"
#include "perimeter/json/document.h"

namespace perimeter::ingest::internal {

enum class NodeKind { kNull, kBool, kNumber, kString, kSequence, kMapping };

std::string_view NodeKindName(
    NodeKind kind);  // "null", "boolean", "number", "string", "list", "mapping"

struct SourceNode {
  NodeKind kind = NodeKind::kNull;
  std::string text;  // kString: the value; kNumber: the literal; kBool: "true" / "false"
  // kString read from JSON: the literal as written (quotes and escapes included), through which
  // places in `text` map back to the file. Empty for YAML scalars and for strings intrinsic
  // functions build.
  std::string literal;
  // kString an intrinsic function built, when the intrinsics track origins (`perimeter validate`):
  // the file offset of each byte of `text` (text copied from the template maps to where it is
  // written, text a function made up to the function or `${Name}` it replaces). Empty otherwise.
  std::vector<uint32_t> origins;
  base::SourcePosition position;
  // kMapping: members in document order, each with `key` and `key_position`; kSequence: elements.
  std::vector<SourceNode> children;
  std::string key;
  base::SourcePosition key_position;

  bool is_null() const { return kind == NodeKind::kNull; }
  bool is_string() const { return kind == NodeKind::kString; }
  bool is_mapping() const { return kind == NodeKind::kMapping; }
  bool is_sequence() const { return kind == NodeKind::kSequence; }
  bool is_scalar() const {
    return kind == NodeKind::kString || kind == NodeKind::kNumber || kind == NodeKind::kBool;
  }
  // The member named `key` of a mapping, or null.
  const SourceNode* Find(std::string_view key) const;
};

// Converts a parsed JSON value (and everything under it).
SourceNode FromJson(const json::Value& value);

// Serialises `node` as compact JSON. Scalars keep their kind (a YAML scalar is a string).
std::string ToJson(const SourceNode& node);

struct YamlParseResult {
  SourceNode root;
  std::vector<base::Issue> issues;  // syntax errors (code "yaml.syntax"), duplicate keys, depth
  bool ok() const { return !base::HasErrors(issues); }
};

// Parses YAML 1.2 text with yaml-cpp (the one place that calls it: yaml-cpp throws, this does not).
// Only the first document of a stream is read; more documents are an error.
YamlParseResult ParseYaml(std::string_view text);

}  // namespace perimeter::ingest::internal

#endif  // PERIMETER_INGEST_INTERNAL_SOURCE_TREE_H_
