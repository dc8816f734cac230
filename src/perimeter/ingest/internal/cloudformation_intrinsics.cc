#include "perimeter/ingest/internal/cloudformation_intrinsics.h"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/converters.h"

namespace perimeter::ingest::internal {

TemplateIntrinsics::TemplateIntrinsics(const SourceNode& root, const IngestOptions& options,
                                       InventoryBuilder& builder, TemplateResourceValues& resources)
    : options_(options), builder_(builder), resources_(resources) {
  if (!root.is_mapping()) return;
  if (const SourceNode* parameters = root.Find("Parameters");
      parameters && parameters->is_mapping()) {
    for (const SourceNode& parameter : parameters->children) parameters_.insert(parameter.key);
  }
  mappings_ = root.Find("Mappings");
}

void TemplateIntrinsics::Fail(base::SourcePosition position, std::string message) {
  if (!failed_) {
    failure_ = base::Issue{base::Severity::kError, "ingest.unresolved", position, message};
    if (report_failures_) builder_.Error("ingest.unresolved", position, std::move(message));
  }
  failed_ = true;
}

std::string TemplateIntrinsics::Unknown(std::string_view name, base::SourcePosition position,
                                        std::string_view why) {
  if (noted_.insert(std::string(name)).second) {
    builder_.Note(
        "ingest.unknown-value", position,
        base::Concat(why, ": analyzed as ", Placeholder(name),
                     ", which matches no account of the zone of trust (give it with --parameter, "
                     "--account-id or --region to analyze the deployed value)"));
  }
  return Placeholder(name);
}

std::string TemplateIntrinsics::Account(base::SourcePosition position) {
  return options_.account_id.empty()
             ? Unknown("AWS::AccountId", position, "AWS::AccountId is not known")
             : options_.account_id;
}
std::string TemplateIntrinsics::Region(base::SourcePosition position) {
  return options_.region.empty() ? Unknown("AWS::Region", position, "AWS::Region is not known")
                                 : options_.region;
}

// A property that names something: its resolved string, or "" (reported) when it cannot be one.
std::optional<std::string> TemplateIntrinsics::ResolveString(const SourceNode& node) {
  std::optional<SourceNode> resolved = Resolve(node, 0);
  if (!resolved.has_value()) return std::nullopt;
  if (!resolved->is_scalar()) {
    Fail(node.position, base::Concat("expected a string, not a ", NodeKindName(resolved->kind)));
    return std::nullopt;
  }
  return resolved->text;
}

std::optional<std::string> TemplateIntrinsics::Ref(std::string_view name, base::SourcePosition at) {
  if (name == "AWS::AccountId") return Account(at);
  if (name == "AWS::Region") return Region(at);
  if (name == "AWS::Partition") return options_.partition;
  if (name == "AWS::URLSuffix")
    return options_.partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  if (name.starts_with("AWS::"))
    return Unknown(name, at, base::Concat(name, " is known only when deployed"));
  if (auto it = options_.parameters.find(name); it != options_.parameters.end()) return it->second;
  if (parameters_.contains(std::string(name))) {
    return Unknown(name, at, base::Concat("the parameter ", name, " has no value here"));
  }
  if (std::optional<std::string> value = resources_.RefValue(name, at)) return value;
  Fail(at, base::Concat("Ref to \"", name,
                        "\", which is neither a parameter nor a resource of the template"));
  return std::nullopt;
}

std::optional<std::string> TemplateIntrinsics::GetAtt(const SourceNode& argument) {
  std::string id, attribute;
  if (argument.is_string()) {
    size_t dot = argument.text.find('.');
    if (dot == std::string::npos) {
      Fail(argument.position, "Fn::GetAtt needs \"Resource.Attribute\"");
      return std::nullopt;
    }
    id = argument.text.substr(0, dot);
    attribute = argument.text.substr(dot + 1);
  } else if (argument.is_sequence() && argument.children.size() == 2) {
    std::optional<std::string> first = ResolveString(argument.children[0]);
    std::optional<std::string> second = ResolveString(argument.children[1]);
    if (!first || !second) return std::nullopt;
    id = *first;
    attribute = *second;
  } else {
    Fail(argument.position, "Fn::GetAtt needs [Resource, Attribute]");
    return std::nullopt;
  }
  std::optional<std::string> value = resources_.GetAttValue(id, attribute, argument.position);
  if (!value) {
    Fail(argument.position,
         base::Concat("Fn::GetAtt names \"", id, "\", which is not a resource of the template"));
  }
  return value;
}

std::optional<std::string> TemplateIntrinsics::Sub(const SourceNode& argument) {
  const SourceNode* format = &argument;
  const SourceNode* variables = nullptr;
  if (argument.is_sequence()) {
    if (argument.children.size() != 2 || !argument.children[0].is_string()) {
      Fail(argument.position, "Fn::Sub needs a string or [string, {variables}]");
      return std::nullopt;
    }
    format = &argument.children[0];
    variables = &argument.children[1];
  }
  if (!format->is_string()) {
    Fail(argument.position, "Fn::Sub needs a string");
    return std::nullopt;
  }
  const std::string& text = format->text;
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "${") != 0) {
      out.push_back(text[i++]);
      continue;
    }
    size_t end = text.find('}', i);
    if (end == std::string::npos) {
      out.append(text, i, std::string::npos);
      break;
    }
    std::string name = text.substr(i + 2, end - i - 2);
    i = end + 1;
    if (name.starts_with("!")) {  // ${!Literal} writes "${Literal}" (policy variables)
      out += base::Concat("${", name.substr(1), "}");
      continue;
    }
    if (variables != nullptr && variables->is_mapping()) {
      if (const SourceNode* value = variables->Find(name)) {
        std::optional<std::string> resolved = ResolveString(*value);
        if (!resolved) return std::nullopt;
        out += *resolved;
        continue;
      }
    }
    size_t dot = name.find('.');
    if (dot != std::string::npos && !name.starts_with("AWS::")) {
      SourceNode get_att;
      get_att.kind = NodeKind::kString;
      get_att.text = name;
      get_att.position = format->position;
      std::optional<std::string> value = GetAtt(get_att);
      if (!value) return std::nullopt;
      out += *value;
      continue;
    }
    std::optional<std::string> value = Ref(name, format->position);
    if (!value) return std::nullopt;
    out += *value;
  }
  return out;
}

std::optional<SourceNode> TemplateIntrinsics::Resolve(const SourceNode& node, int depth) {
  if (depth > 64) {
    Fail(node.position, "intrinsic functions nested too deeply");
    return std::nullopt;
  }
  if (node.is_sequence()) {
    SourceNode out = node;
    out.children.clear();
    for (const SourceNode& child : node.children) {
      std::optional<SourceNode> resolved = Resolve(child, depth + 1);
      if (failed_) return std::nullopt;
      if (resolved) out.children.push_back(std::move(*resolved));
    }
    return out;
  }
  if (!node.is_mapping()) return node;
  if (node.children.size() == 1) {
    const SourceNode& argument = node.children[0];
    const std::string& function = argument.key;
    auto scalar = [&](std::optional<std::string> text) -> std::optional<SourceNode> {
      if (!text) return std::nullopt;
      SourceNode out;
      out.kind = NodeKind::kString;
      out.text = std::move(*text);
      out.position = node.position;
      out.key = node.key;
      out.key_position = node.key_position;
      return out;
    };
    if (function == "Ref") {
      if (!argument.is_string()) {
        Fail(argument.position, "Ref needs a name");
        return std::nullopt;
      }
      if (argument.text == "AWS::NoValue") return std::nullopt;
      return scalar(Ref(argument.text, argument.position));
    }
    if (function == "Fn::Sub") return scalar(Sub(argument));
    if (function == "Fn::GetAtt") return scalar(GetAtt(argument));
    if (function == "Fn::Join") {
      if (!argument.is_sequence() || argument.children.size() != 2) {
        Fail(argument.position, "Fn::Join needs [delimiter, [values]]");
        return std::nullopt;
      }
      std::optional<std::string> delimiter = ResolveString(argument.children[0]);
      std::optional<SourceNode> values = Resolve(argument.children[1], depth + 1);
      if (!delimiter || !values) return std::nullopt;
      if (!values->is_sequence()) {
        Fail(argument.position, "Fn::Join needs a list of values");
        return std::nullopt;
      }
      std::string out;
      for (size_t i = 0; i < values->children.size(); ++i) {
        if (!values->children[i].is_scalar()) {
          Fail(values->children[i].position, "Fn::Join values must be strings");
          return std::nullopt;
        }
        out += base::Concat(i ? std::string_view(*delimiter) : std::string_view(),
                            values->children[i].text);
      }
      return scalar(out);
    }
    if (function == "Fn::Select") {
      if (!argument.is_sequence() || argument.children.size() != 2) {
        Fail(argument.position, "Fn::Select needs [index, [values]]");
        return std::nullopt;
      }
      std::optional<std::string> index = ResolveString(argument.children[0]);
      std::optional<SourceNode> values = Resolve(argument.children[1], depth + 1);
      if (!index || !values) return std::nullopt;
      size_t i = 0;
      try {
        i = std::stoul(*index);
      } catch (...) {
        Fail(argument.position, "Fn::Select needs a numeric index");
        return std::nullopt;
      }
      if (!values->is_sequence() || i >= values->children.size()) {
        Fail(argument.position, "Fn::Select index out of range");
        return std::nullopt;
      }
      return values->children[i];
    }
    if (function == "Fn::Split") {
      if (!argument.is_sequence() || argument.children.size() != 2) {
        Fail(argument.position, "Fn::Split needs [delimiter, string]");
        return std::nullopt;
      }
      std::optional<std::string> delimiter = ResolveString(argument.children[0]);
      std::optional<std::string> text = ResolveString(argument.children[1]);
      if (!delimiter || !text || delimiter->empty()) return std::nullopt;
      SourceNode out;
      out.kind = NodeKind::kSequence;
      out.position = node.position;
      size_t start = 0;
      while (true) {
        size_t at = text->find(*delimiter, start);
        SourceNode piece;
        piece.kind = NodeKind::kString;
        piece.position = node.position;
        piece.text = text->substr(start, at == std::string::npos ? std::string::npos : at - start);
        out.children.push_back(std::move(piece));
        if (at == std::string::npos) break;
        start = at + delimiter->size();
      }
      return out;
    }
    if (function == "Fn::FindInMap") {
      if (!argument.is_sequence() || argument.children.size() < 3 || mappings_ == nullptr) {
        Fail(argument.position, "Fn::FindInMap needs [map, key, key] and a Mappings section");
        return std::nullopt;
      }
      const SourceNode* at = mappings_;
      for (size_t i = 0; i < 3 && at != nullptr; ++i) {
        std::optional<std::string> key = ResolveString(argument.children[i]);
        if (!key) return std::nullopt;
        if (key->starts_with("{")) {
          Fail(argument.position,
               base::Concat("Fn::FindInMap key ", *key, " is not known offline"));
          return std::nullopt;
        }
        at = at->Find(*key);
      }
      if (at == nullptr) {
        Fail(argument.position, "Fn::FindInMap names no entry of Mappings");
        return std::nullopt;
      }
      return Resolve(*at, depth + 1);
    }
    if (function == "Fn::ImportValue") {
      std::optional<std::string> name = ResolveString(argument);
      if (!name) return std::nullopt;
      return scalar(
          Unknown(base::Concat("ImportValue:", *name), argument.position,
                  base::Concat("Fn::ImportValue ", *name, " is known only when deployed")));
    }
    if (function == "Fn::If" || function == "Fn::Transform" || function == "Fn::Cidr" ||
        function == "Fn::GetAZs" || function == "Fn::Base64" || function == "Fn::ToJsonString" ||
        function == "Fn::Length" || function == "Fn::Equals" || function == "Fn::And" ||
        function == "Fn::Or" || function == "Fn::Not") {
      Fail(argument.position,
           base::Concat(function,
                        " cannot be decided offline here: the resource is not analyzed "
                        "(resolve it, e.g. with `aws cloudformation get-template "
                        "--template-stage Processed`, or analyze the deployed stack)"));
      return std::nullopt;
    }
  }
  SourceNode out = node;
  out.children.clear();
  for (const SourceNode& child : node.children) {
    std::optional<SourceNode> resolved = Resolve(child, depth + 1);
    if (failed_) return std::nullopt;
    if (!resolved) continue;  // AWS::NoValue
    resolved->key = child.key;
    resolved->key_position = child.key_position;
    out.children.push_back(std::move(*resolved));
  }
  return out;
}

}  // namespace perimeter::ingest::internal
