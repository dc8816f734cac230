// The one place that calls yaml-cpp. yaml-cpp reports errors by throwing; everything it throws is
// caught here and becomes a positioned issue.
#include <exception>
#include <set>
#include <string>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/source_tree.h"
#include "yaml-cpp/yaml.h"

namespace perimeter::ingest::internal {
namespace {

constexpr size_t kMaxDepth = 64;

base::SourcePosition PositionOf(const YAML::Mark& mark) {
  base::SourcePosition position;
  if (mark.is_null()) return position;
  position.line = static_cast<uint32_t>(mark.line) + 1;
  position.column = static_cast<uint32_t>(mark.column) + 1;
  position.offset = static_cast<uint32_t>(mark.pos);
  return position;
}

// CloudFormation's short-form tags and the long-form keys they stand for (CloudFormation User
// Guide, "Intrinsic function reference": each function's "Short form" syntax).
std::string_view LongFormOf(std::string_view tag) {
  static constexpr std::pair<std::string_view, std::string_view> kTags[] = {
      {"!Ref", "Ref"},
      {"!Condition", "Condition"},
      {"!Sub", "Fn::Sub"},
      {"!GetAtt", "Fn::GetAtt"},
      {"!Join", "Fn::Join"},
      {"!Select", "Fn::Select"},
      {"!Split", "Fn::Split"},
      {"!If", "Fn::If"},
      {"!Equals", "Fn::Equals"},
      {"!Not", "Fn::Not"},
      {"!And", "Fn::And"},
      {"!Or", "Fn::Or"},
      {"!FindInMap", "Fn::FindInMap"},
      {"!Base64", "Fn::Base64"},
      {"!Cidr", "Fn::Cidr"},
      {"!ImportValue", "Fn::ImportValue"},
      {"!GetAZs", "Fn::GetAZs"},
      {"!Transform", "Fn::Transform"},
      {"!ToJsonString", "Fn::ToJsonString"},
      {"!Length", "Fn::Length"},
  };
  for (const auto& [short_form, long_form] : kTags) {
    if (short_form == tag) return long_form;
  }
  return {};
}

class Converter {
 public:
  explicit Converter(std::vector<base::Issue>& issues) : issues_(issues) {}

  SourceNode Convert(const YAML::Node& node, size_t depth) {
    SourceNode out;
    out.position = PositionOf(node.Mark());
    if (depth > kMaxDepth) {
      Error("yaml.depth", out.position, base::Concat("nesting deeper than ", kMaxDepth, " levels"));
      return out;
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = NodeKind::kNull;
        break;
      case YAML::NodeType::Scalar:
        out.kind = NodeKind::kString;
        out.text = node.Scalar();
        break;
      case YAML::NodeType::Sequence:
        out.kind = NodeKind::kSequence;
        for (const YAML::Node& element : node) out.children.push_back(Convert(element, depth + 1));
        break;
      case YAML::NodeType::Map: {
        out.kind = NodeKind::kMapping;
        std::set<std::string> seen;
        for (const auto& member : node) {
          const YAML::Node& key = member.first;
          base::SourcePosition key_position = PositionOf(key.Mark());
          if (!key.IsScalar()) {
            Error("yaml.key", key_position, "a mapping key must be a scalar");
            continue;
          }
          if (!seen.insert(key.Scalar()).second) {
            Error("yaml.duplicate-key", key_position,
                  base::Concat("duplicate key \"", key.Scalar(), "\""));
            continue;
          }
          SourceNode child = Convert(member.second, depth + 1);
          child.key = key.Scalar();
          child.key_position = key_position;
          out.children.push_back(std::move(child));
        }
        break;
      }
    }
    std::string_view tag = node.Tag();
    if (!tag.empty() && tag != "?" && tag != "!" && !tag.starts_with("tag:yaml.org,2002:")) {
      std::string_view long_form = LongFormOf(tag);
      if (long_form.empty()) {
        Error("yaml.unknown-tag", out.position,
              base::Concat("unknown tag \"", tag,
                           "\" (CloudFormation's short forms are !Ref, !Sub, !GetAtt, ...)"));
        return out;
      }
      // !GetAtt Resource.Attribute is the one short form whose argument is a dotted string.
      SourceNode wrapper;
      wrapper.kind = NodeKind::kMapping;
      wrapper.position = out.position;
      out.key = std::string(long_form);
      out.key_position = wrapper.position;
      wrapper.children.push_back(std::move(out));
      return wrapper;
    }
    return out;
  }

 private:
  void Error(std::string_view code, base::SourcePosition position, std::string message) {
    issues_.push_back(
        base::Issue{base::Severity::kError, std::string(code), position, std::move(message)});
  }

  std::vector<base::Issue>& issues_;
};

}  // namespace

YamlParseResult ParseYaml(std::string_view text) {
  YamlParseResult result;
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.empty()) {
      result.issues.push_back(base::Issue{
          base::Severity::kError, "yaml.syntax", {}, "the file holds no YAML document"});
      return result;
    }
    if (documents.size() > 1) {
      result.issues.push_back(base::Issue{base::Severity::kError, "yaml.syntax",
                                          PositionOf(documents[1].Mark()),
                                          "the file holds more than one YAML document"});
    }
    Converter converter(result.issues);
    result.root = converter.Convert(documents[0], 0);
  } catch (const YAML::Exception& e) {
    result.issues.push_back(
        base::Issue{base::Severity::kError, "yaml.syntax", PositionOf(e.mark), e.msg});
  } catch (const std::exception& e) {
    result.issues.push_back(base::Issue{base::Severity::kError, "yaml.syntax", {}, e.what()});
  }
  return result;
}

}  // namespace perimeter::ingest::internal
