#include "perimeter/ingest/internal/source_tree.h"

#include <set>
#include <utility>

#include "perimeter/base/text.h"

namespace perimeter::ingest::internal {

std::string_view NodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kNull:
      return "null";
    case NodeKind::kBool:
      return "boolean";
    case NodeKind::kNumber:
      return "number";
    case NodeKind::kString:
      return "string";
    case NodeKind::kSequence:
      return "list";
    case NodeKind::kMapping:
      return "mapping";
  }
  return "value";
}

const SourceNode* SourceNode::Find(std::string_view name) const {
  if (kind != NodeKind::kMapping) return nullptr;
  for (const SourceNode& child : children) {
    if (child.key == name) return &child;
  }
  return nullptr;
}

SourceNode FromJson(const json::Value& value) {
  SourceNode node;
  node.position = value.position();
  switch (value.kind()) {
    case json::Kind::kNull:
      node.kind = NodeKind::kNull;
      break;
    case json::Kind::kBool:
      node.kind = NodeKind::kBool;
      node.text = value.boolean() ? "true" : "false";
      break;
    case json::Kind::kNumber:
      node.kind = NodeKind::kNumber;
      node.text = std::string(value.text());
      break;
    case json::Kind::kString:
      node.kind = NodeKind::kString;
      node.text = std::string(value.text());
      node.literal = std::string(value.source_text());
      break;
    case json::Kind::kArray:
      node.kind = NodeKind::kSequence;
      for (const json::Value& element : value.children())
        node.children.push_back(FromJson(element));
      break;
    case json::Kind::kObject:
      node.kind = NodeKind::kMapping;
      for (const json::Value& member : value.members()) {
        SourceNode child = FromJson(member);
        child.key = std::string(member.key());
        child.key_position = member.key_position();
        node.children.push_back(std::move(child));
      }
      break;
  }
  return node;
}

namespace {

void AppendJson(const SourceNode& node, std::string& out) {
  switch (node.kind) {
    case NodeKind::kNull:
      out += "null";
      return;
    case NodeKind::kBool:
    case NodeKind::kNumber:
      out += node.text;
      return;
    case NodeKind::kString:
      out += json::Quote(node.text);
      return;
    case NodeKind::kSequence: {
      out += '[';
      bool first = true;
      for (const SourceNode& child : node.children) {
        if (!first) out += ',';
        first = false;
        AppendJson(child, out);
      }
      out += ']';
      return;
    }
    case NodeKind::kMapping: {
      out += '{';
      bool first = true;
      for (const SourceNode& child : node.children) {
        if (!first) out += ',';
        first = false;
        out += json::Quote(child.key);
        out += ':';
        AppendJson(child, out);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string ToJson(const SourceNode& node) {
  std::string out;
  AppendJson(node, out);
  return out;
}

}  // namespace perimeter::ingest::internal
