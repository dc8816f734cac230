#include "perimeter/ingest/internal/cloudformation_intrinsics.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/converters.h"
#include "perimeter/ingest/internal/policy_text.h"

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

std::vector<uint32_t> TemplateIntrinsics::OffsetsOf(const SourceNode& node,
                                                    uint32_t fallback) const {
  if (origins_source_) {
    std::optional<std::vector<uint32_t>> offsets = StringByteOffsets(*origins_source_, node);
    if (offsets && offsets->size() == node.text.size()) return std::move(*offsets);
  }
  return std::vector<uint32_t>(node.text.size(), fallback);
}

std::optional<std::string> TemplateIntrinsics::Sub(const SourceNode& argument,
                                                   std::vector<uint32_t>* origins) {
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
  std::vector<uint32_t> format_offsets;
  if (origins != nullptr) format_offsets = OffsetsOf(*format, argument.position.offset);
  std::string out;
  // Bytes appended since the last call come from format byte `from`: copied bytes one for one,
  // a substitution all at its "${".
  auto track = [&](size_t from, bool copied) {
    if (origins == nullptr) return;
    for (size_t k = 0; origins->size() < out.size(); ++k) {
      size_t at = copied ? from + k : from;
      origins->push_back(format_offsets[std::min(at, format_offsets.size() - 1)]);
    }
  };
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    if (text.compare(i, 2, "${") != 0) {
      out.push_back(text[i++]);
      track(start, true);
      continue;
    }
    size_t end = text.find('}', i);
    if (end == std::string::npos) {
      out.append(text, i, std::string::npos);
      track(start, true);
      break;
    }
    std::string name = text.substr(i + 2, end - i - 2);
    i = end + 1;
    if (name.starts_with("!")) {  // ${!Literal} writes "${Literal}" (policy variables)
      out += base::Concat("${", name.substr(1), "}");
      track(start, false);
      continue;
    }
    if (variables != nullptr && variables->is_mapping()) {
      if (const SourceNode* value = variables->Find(name)) {
        std::optional<std::string> resolved = ResolveString(*value);
        if (!resolved) return std::nullopt;
        out += *resolved;
        track(start, false);
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
      track(start, false);
      continue;
    }
    std::optional<std::string> value = Ref(name, format->position);
    if (!value) return std::nullopt;
    out += *value;
    track(start, false);
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
    if (function == "Fn::Sub") {
      if (!origins_source_) return scalar(Sub(argument, nullptr));
      std::vector<uint32_t> origins;
      std::optional<SourceNode> out = scalar(Sub(argument, &origins));
      if (out && !out->text.empty() && origins.size() == out->text.size())
        out->origins = std::move(origins);
      return out;
    }
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
      std::vector<uint32_t> origins;
      std::vector<uint32_t> delimiter_offsets;
      if (origins_source_) {
        const SourceNode& written = argument.children[0];
        delimiter_offsets = written.is_string() && written.text == *delimiter
                                ? OffsetsOf(written, written.position.offset)
                                : std::vector<uint32_t>(delimiter->size(), written.position.offset);
      }
      for (size_t i = 0; i < values->children.size(); ++i) {
        const SourceNode& value = values->children[i];
        if (!value.is_scalar()) {
          Fail(value.position, "Fn::Join values must be strings");
          return std::nullopt;
        }
        out += base::Concat(i ? std::string_view(*delimiter) : std::string_view(), value.text);
        if (origins_source_) {
          if (i) origins.insert(origins.end(), delimiter_offsets.begin(), delimiter_offsets.end());
          std::vector<uint32_t> own = OffsetsOf(value, value.position.offset);
          origins.insert(origins.end(), own.begin(), own.end());
        }
      }
      std::optional<SourceNode> joined = scalar(out);
      if (joined && !out.empty() && origins.size() == out.size())
        joined->origins = std::move(origins);
      return joined;
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
