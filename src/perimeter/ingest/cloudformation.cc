// CloudFormation templates (JSON or YAML) → inventory resources.
//
// Intrinsic functions are resolved where the template alone decides them (CloudFormation User Guide,
// "Intrinsic function reference"): Ref, Fn::Sub, Fn::Join, Fn::GetAtt, Fn::Select, Fn::Split,
// Fn::FindInMap, and the pseudo-parameters AWS::AccountId, AWS::Region, AWS::Partition and
// AWS::URLSuffix (from IngestOptions). What only a deployment decides becomes a placeholder "{Name}"
// and a note: parameters without a value given (--parameter), AWS::AccountId and AWS::Region when not
// given, Fn::ImportValue, names CloudFormation generates. A placeholder never equals a real account
// id, so a principal "arn:aws:iam::{TrustedAccount}:root" is analyzed as an account outside every
// zone of trust: reported, never assumed inside. Fn::If cannot be decided offline: the resource is an
// error rather than a guess at one branch.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/converters.h"
#include "perimeter/ingest/internal/kms_key_policy.h"
#include "perimeter/ingest/internal/lambda_permission.h"
#include "perimeter/ingest/internal/s3_acl.h"
#include "perimeter/ingest/internal/source_tree.h"
#include "perimeter/resources/policy_positions.h"

namespace perimeter::ingest::internal {
namespace {

using resources::ResourceType;

struct TemplateResource {
  std::string logical_id;
  std::string type;
  const SourceNode* properties = nullptr;  // may be null
  base::SourcePosition position;           // of the logical id
};

class TemplateConverter {
 public:
  TemplateConverter(std::string_view source, const SourceNode& root, const IngestOptions& options,
                    InventoryBuilder& builder)
      : source_(source), root_(root), options_(options), builder_(builder) {}

  void Convert() {
    if (!root_.is_mapping()) {
      builder_.Error("ingest.wrong-type", root_.position, "a CloudFormation template must be a mapping");
      return;
    }
    if (const SourceNode* parameters = root_.Find("Parameters"); parameters && parameters->is_mapping()) {
      for (const SourceNode& parameter : parameters->children) parameters_.insert(parameter.key);
    }
    mappings_ = root_.Find("Mappings");
    const SourceNode* resources = root_.Find("Resources");
    if (resources == nullptr || !resources->is_mapping()) {
      builder_.Error("ingest.missing-field", root_.position, "the template has no Resources mapping");
      return;
    }
    for (const SourceNode& resource : resources->children) {
      TemplateResource entry{resource.key, "", nullptr, resource.key_position};
      if (resource.is_mapping()) {
        if (const SourceNode* type = resource.Find("Type"); type && type->is_string()) entry.type = type->text;
        entry.properties = resource.Find("Properties");
      }
      resources_.emplace(resource.key, entry);
      order_.push_back(resource.key);
    }
    for (const std::string& id : order_) {
      const TemplateResource& resource = resources_.at(id);
      builder_.CountRecord();
      failed_ = false;
      if (resource.type.empty()) {
        builder_.Error("ingest.missing-field", resource.position, base::Concat("resource ", id, " has no Type"));
        builder_.SkipRecord();
        continue;
      }
      ConvertResource(resource);
    }
    for (const auto& [type, count_at] : out_of_scope_) {
      builder_.Note("ingest.out-of-scope", count_at.second,
                    base::Concat(count_at.first, " resource", count_at.first == 1 ? "" : "s", " of type ", type,
                                 " skipped: grants no external access Access Analyzer reports"));
    }
  }

 private:
  // ---- values -------------------------------------------------------------------------------------

  void Fail(base::SourcePosition position, std::string message) {
    if (!failed_) builder_.Error("ingest.unresolved", position, std::move(message));
    failed_ = true;
  }

  std::string Unknown(std::string_view name, base::SourcePosition position, std::string_view why) {
    if (noted_.insert(std::string(name)).second) {
      builder_.Note("ingest.unknown-value", position,
                    base::Concat(why, ": analyzed as ", Placeholder(name),
                                 ", which matches no account of the zone of trust (give it with --parameter, "
                                 "--account-id or --region to analyze the deployed value)"));
    }
    return Placeholder(name);
  }

  std::string Account(base::SourcePosition position) {
    return options_.account_id.empty() ? Unknown("AWS::AccountId", position, "AWS::AccountId is not known")
                                       : options_.account_id;
  }
  std::string Region(base::SourcePosition position) {
    return options_.region.empty() ? Unknown("AWS::Region", position, "AWS::Region is not known") : options_.region;
  }

  // A property that names something: its resolved string, or "" (reported) when it cannot be one.
  std::optional<std::string> ResolveString(const SourceNode& node) {
    std::optional<SourceNode> resolved = Resolve(node, 0);
    if (!resolved.has_value()) return std::nullopt;
    if (!resolved->is_scalar()) {
      Fail(node.position, base::Concat("expected a string, not a ", NodeKindName(resolved->kind)));
      return std::nullopt;
    }
    return resolved->text;
  }

  std::optional<std::string> PropertyString(const TemplateResource& resource, std::string_view name) {
    if (resource.properties == nullptr) return std::nullopt;
    const SourceNode* node = resource.properties->Find(name);
    if (node == nullptr) return std::nullopt;
    return ResolveString(*node);
  }

  std::string Name(const TemplateResource& resource, std::string_view property) {
    std::optional<std::string> name = PropertyString(resource, property);
    return name.has_value() ? *name : Placeholder(resource.logical_id);
  }

  // What Ref returns for a resource (each type's "Return values" section).
  std::string RefValue(const TemplateResource& r, base::SourcePosition at) {
    const std::string& t = r.type;
    if (t == "AWS::S3::Bucket") return Name(r, "BucketName");
    if (t == "AWS::IAM::Role") return Name(r, "RoleName");
    if (t == "AWS::SQS::Queue") {
      return base::Concat("https://sqs.", Region(at), ".amazonaws.com/", Account(at), "/", Name(r, "QueueName"));
    }
    if (t == "AWS::SNS::Topic" || t == "AWS::SecretsManager::Secret" || t == "AWS::Lambda::LayerVersion") {
      return GetAttValue(r, "Arn", at);
    }
    if (t == "AWS::Lambda::Function") return Name(r, "FunctionName");
    if (t == "AWS::ECR::Repository") return Name(r, "RepositoryName");
    if (t == "AWS::DynamoDB::Table") return Name(r, "TableName");
    return Placeholder(r.logical_id);  // ids CloudFormation or the service generates
  }

  std::string GetAttValue(const TemplateResource& r, std::string_view attribute, base::SourcePosition at) {
    const std::string& t = r.type;
    const std::string p = options_.partition;
    if (attribute == "Arn" || attribute == "TopicArn" || attribute == "QueueArn" || attribute == "StreamArn" ||
        attribute == "LayerVersionArn") {
      if (t == "AWS::S3::Bucket") return base::Concat("arn:", p, ":s3:::", Name(r, "BucketName"));
      if (t == "AWS::IAM::Role") {
        std::string path = PropertyString(r, "Path").value_or("/");
        return base::Concat("arn:", p, ":iam::", Account(at), ":role", path, Name(r, "RoleName"));
      }
      if (t == "AWS::KMS::Key") return base::Concat("arn:", p, ":kms:", Region(at), ":", Account(at), ":key/", Placeholder(r.logical_id));
      if (t == "AWS::SQS::Queue") return base::Concat("arn:", p, ":sqs:", Region(at), ":", Account(at), ":", Name(r, "QueueName"));
      if (t == "AWS::SNS::Topic") return base::Concat("arn:", p, ":sns:", Region(at), ":", Account(at), ":", Name(r, "TopicName"));
      if (t == "AWS::Lambda::Function") {
        return base::Concat("arn:", p, ":lambda:", Region(at), ":", Account(at), ":function:", Name(r, "FunctionName"));
      }
      if (t == "AWS::Lambda::LayerVersion") {
        return base::Concat("arn:", p, ":lambda:", Region(at), ":", Account(at), ":layer:", Name(r, "LayerName"), ":",
                            Placeholder(r.logical_id + ".Version"));
      }
      if (t == "AWS::SecretsManager::Secret") {
        return base::Concat("arn:", p, ":secretsmanager:", Region(at), ":", Account(at), ":secret:", Name(r, "Name"));
      }
      if (t == "AWS::ECR::Repository") {
        return base::Concat("arn:", p, ":ecr:", Region(at), ":", Account(at), ":repository/", Name(r, "RepositoryName"));
      }
      if (t == "AWS::EFS::FileSystem") {
        return base::Concat("arn:", p, ":elasticfilesystem:", Region(at), ":", Account(at), ":file-system/",
                            Placeholder(r.logical_id));
      }
      if (t == "AWS::DynamoDB::Table") {
        std::string table = base::Concat("arn:", p, ":dynamodb:", Region(at), ":", Account(at), ":table/", Name(r, "TableName"));
        return attribute == "StreamArn" ? base::Concat(table, "/stream/", Placeholder(r.logical_id + ".StreamLabel"))
                                        : table;
      }
    }
    if (attribute == "QueueName" || attribute == "TopicName") return Name(r, attribute);
    if (attribute == "QueueUrl") return RefValue(r, at);
    if (attribute == "KeyId" || attribute == "FileSystemId" || attribute == "RoleId") return Placeholder(r.logical_id);
    return Placeholder(base::Concat(r.logical_id, ".", attribute));
  }

  std::optional<std::string> Ref(std::string_view name, base::SourcePosition at) {
    if (name == "AWS::AccountId") return Account(at);
    if (name == "AWS::Region") return Region(at);
    if (name == "AWS::Partition") return options_.partition;
    if (name == "AWS::URLSuffix") return options_.partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    if (name.starts_with("AWS::")) return Unknown(name, at, base::Concat(name, " is known only when deployed"));
    if (auto it = options_.parameters.find(name); it != options_.parameters.end()) return it->second;
    if (parameters_.contains(std::string(name))) {
      return Unknown(name, at, base::Concat("the parameter ", name, " has no value here"));
    }
    if (auto it = resources_.find(std::string(name)); it != resources_.end()) return RefValue(it->second, at);
    Fail(at, base::Concat("Ref to \"", name, "\", which is neither a parameter nor a resource of the template"));
    return std::nullopt;
  }

  std::optional<std::string> GetAtt(const SourceNode& argument) {
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
    auto it = resources_.find(id);
    if (it == resources_.end()) {
      Fail(argument.position, base::Concat("Fn::GetAtt names \"", id, "\", which is not a resource of the template"));
      return std::nullopt;
    }
    return GetAttValue(it->second, attribute, argument.position);
  }

  std::optional<std::string> Sub(const SourceNode& argument) {
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

  // Resolves every intrinsic function under `node`. nullopt: AWS::NoValue (the caller drops the
  // member) or a failure (failed_ is set).
  std::optional<SourceNode> Resolve(const SourceNode& node, int depth) {
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
          out += base::Concat(i ? std::string_view(*delimiter) : std::string_view(), values->children[i].text);
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
            Fail(argument.position, base::Concat("Fn::FindInMap key ", *key, " is not known offline"));
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
        return scalar(Unknown(base::Concat("ImportValue:", *name), argument.position,
                              base::Concat("Fn::ImportValue ", *name, " is known only when deployed")));
      }
      if (function == "Fn::If" || function == "Fn::Transform" || function == "Fn::Cidr" || function == "Fn::GetAZs" ||
          function == "Fn::Base64" || function == "Fn::ToJsonString" || function == "Fn::Length" ||
          function == "Fn::Equals" || function == "Fn::And" || function == "Fn::Or" || function == "Fn::Not") {
        Fail(argument.position, base::Concat(function, " cannot be decided offline here: the resource is not analyzed "
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

  // ---- resources ------------------------------------------------------------------------------------

  const SourceNode* Property(const TemplateResource& r, std::string_view name) {
    return r.properties != nullptr && r.properties->is_mapping() ? r.properties->Find(name) : nullptr;
  }

  // Where the statements of the JSON policy a YAML string scalar holds are written: each byte of the
  // scalar's value is found in the template text from the scalar's start, past what YAML adds around
  // it (quotes, escape backslashes, doubled single quotes, indentation, line breaks, a block's
  // indicator line; a folded line break reads as a space). Empty when the value is not found that way
  // (a string an intrinsic function built, an escape YAML writes otherwise): the policy is reported
  // at the string.
  std::vector<base::SourcePosition> YamlScalarStatementPositions(const SourceNode& node) const {
    size_t raw = node.position.offset;
    if (raw >= source_.size()) return {};
    if (source_[raw] == '|' || source_[raw] == '>') {
      raw = source_.find('\n', raw);
      if (raw == std::string_view::npos) return {};
    }
    std::vector<uint32_t> raw_offsets;
    raw_offsets.reserve(node.text.size());
    for (char c : node.text) {
      while (raw < source_.size() && source_[raw] != c && !(c == ' ' && source_[raw] == '\n')) {
        if (std::string_view(" \t\r\n\\'\"").find(source_[raw]) == std::string_view::npos) return {};
        ++raw;
      }
      if (raw >= source_.size()) return {};
      raw_offsets.push_back(static_cast<uint32_t>(raw++));
    }
    return resources::PolicyStatementPositionsIn(
        node.text, [&](uint32_t offset) { return json::PositionAt(source_, raw_offsets[offset]); });
  }

  // A policy document property as a configuration member (a JSON string literal).
  std::optional<ConfigurationMember> PolicyMember(const TemplateResource& r, const SourceNode& node,
                                                  std::string_view member) {
    std::optional<SourceNode> resolved = Resolve(node, 0);
    if (!resolved || failed_) return std::nullopt;
    std::string json;
    // Where each statement is in the template: the elements of a mapping's Statement (resolving keeps
    // positions); in a JSON string of a JSON template, through the literal's escapes. A policy written
    // as a YAML string, or built by an intrinsic function, is reported at the string.
    std::vector<base::SourcePosition> statements;
    if (resolved->is_string()) {
      json = json::Quote(resolved->text);
      statements = resolved->literal.empty()
                       ? YamlScalarStatementPositions(*resolved)
                       : resources::PolicyStatementPositionsInLiteral(resolved->text, resolved->literal,
                                                                      resolved->position);
    } else if (resolved->is_mapping()) {
      json = json::Quote(ToJson(*resolved));
      if (const SourceNode* statement = resolved->Find("Statement"); statement != nullptr) {
        if (statement->is_mapping()) statements.push_back(statement->position);
        if (statement->is_sequence()) {
          for (const SourceNode& element : statement->children) statements.push_back(element.position);
        }
      }
    } else {
      Fail(node.position, base::Concat(r.logical_id, ": a policy document must be a mapping or a JSON string"));
      return std::nullopt;
    }
    return ConfigurationMember{std::string(member), std::move(json), node.position, std::move(statements)};
  }

  void Add(const TemplateResource& r, ResourceType type, const std::string& arn, ConfigurationMember member,
           bool primary = true) {
    std::string account = ArnAccount(arn);
    if (account.empty()) account = Account(member.position);
    std::string region = type == ResourceType::kIamRole ? "" : ArnRegion(arn);
    if (type == ResourceType::kS3Bucket) region = options_.region;
    (void)r;
    builder_.AddMember(type, arn, account, region, std::move(member), primary);
  }

  void Missing(const TemplateResource& r, std::string_view property) {
    builder_.Error("ingest.missing-field", r.position,
                   base::Concat(r.logical_id, " (", r.type, ") has no ", property));
    builder_.SkipRecord();
  }

  void ConvertResource(const TemplateResource& r) {
    const std::string& t = r.type;
    auto done = [&] {
      if (failed_) builder_.SkipRecord();
    };
    if (t == "AWS::S3::BucketPolicy") {
      const SourceNode* bucket = Property(r, "Bucket");
      const SourceNode* document = Property(r, "PolicyDocument");
      if (!bucket || !document) return Missing(r, "Bucket and PolicyDocument");
      std::optional<std::string> name = ResolveString(*bucket);
      std::optional<ConfigurationMember> policy = name ? PolicyMember(r, *document, "bucketPolicy") : std::nullopt;
      if (policy) Add(r, ResourceType::kS3Bucket, base::Concat("arn:", options_.partition, ":s3:::", *name), std::move(*policy));
      return done();
    }
    if (t == "AWS::S3::Bucket") {
      std::string arn = GetAttValue(r, "Arn", r.position);
      if (const SourceNode* acl = Property(r, "AccessControl")) {
        std::optional<std::string> canned = ResolveString(*acl);
        std::optional<AclGrants> grants = canned ? CannedAclGrants(*canned) : std::nullopt;
        if (grants) Add(r, ResourceType::kS3Bucket, arn, grants->Member(acl->position), false);
      }
      if (const SourceNode* block = Property(r, "PublicAccessBlockConfiguration")) {
        std::optional<SourceNode> resolved = Resolve(*block, 0);
        if (resolved && resolved->is_mapping()) {
          std::string json = "{";
          for (auto [property, member] : {std::pair<std::string_view, std::string_view>{"BlockPublicAcls", "blockPublicAcls"},
                                          {"IgnorePublicAcls", "ignorePublicAcls"},
                                          {"BlockPublicPolicy", "blockPublicPolicy"},
                                          {"RestrictPublicBuckets", "restrictPublicBuckets"}}) {
            const SourceNode* value = resolved->Find(property);
            bool on = value != nullptr && (value->text == "true" || value->text == "True" || value->text == "TRUE");
            json += base::Concat(json.size() > 1 ? "," : "", json::Quote(member), ":", on ? "true" : "false");
          }
          json += "}";
          Add(r, ResourceType::kS3Bucket, arn, ConfigurationMember{"bucketPublicAccessBlock", json, block->position}, false);
        }
      }
      return done();
    }
    if (t == "AWS::IAM::Role") {
      const SourceNode* document = Property(r, "AssumeRolePolicyDocument");
      if (!document) return Missing(r, "AssumeRolePolicyDocument");
      std::optional<ConfigurationMember> policy = PolicyMember(r, *document, "trustPolicy");
      if (policy) Add(r, ResourceType::kIamRole, GetAttValue(r, "Arn", document->position), std::move(*policy));
      return done();
    }
    if (t == "AWS::KMS::Key") {
      const SourceNode* document = Property(r, "KeyPolicy");
      if (!document) return;  // the default key policy: the account only
      std::optional<ConfigurationMember> policy = PolicyMember(r, *document, kKmsKeyPoliciesMember);
      if (policy) {
        policy->json = KmsKeyPolicies(policy->json);
        Add(r, ResourceType::kKmsKey, GetAttValue(r, "Arn", document->position), std::move(*policy));
      }
      return done();
    }
    if (t == "AWS::SQS::QueuePolicy" || t == "AWS::SNS::TopicPolicy") {
      bool sqs = t == "AWS::SQS::QueuePolicy";
      const SourceNode* targets = Property(r, sqs ? "Queues" : "Topics");
      const SourceNode* document = Property(r, "PolicyDocument");
      if (!targets || !document) return Missing(r, sqs ? "Queues and PolicyDocument" : "Topics and PolicyDocument");
      std::optional<SourceNode> list = Resolve(*targets, 0);
      std::optional<ConfigurationMember> policy = list ? PolicyMember(r, *document, sqs ? "queuePolicy" : "topicPolicy")
                                                       : std::nullopt;
      if (!policy || !list->is_sequence()) {
        if (!failed_) Fail(targets->position, "Queues / Topics must be a list");
        return done();
      }
      for (const SourceNode& target : list->children) {
        if (!target.is_scalar()) continue;
        std::string arn = sqs ? QueueArn(target.text, target.position) : target.text;
        Add(r, sqs ? ResourceType::kSqsQueue : ResourceType::kSnsTopic, arn, *policy);
      }
      return done();
    }
    if (t == "AWS::Lambda::Permission" || t == "AWS::Lambda::LayerVersionPermission") {
      ConvertLambdaPermission(r, t == "AWS::Lambda::LayerVersionPermission");
      return done();
    }
    if (t == "AWS::SecretsManager::ResourcePolicy") {
      const SourceNode* secret = Property(r, "SecretId");
      const SourceNode* document = Property(r, "ResourcePolicy");
      if (!secret || !document) return Missing(r, "SecretId and ResourcePolicy");
      std::optional<std::string> id = ResolveString(*secret);
      std::optional<ConfigurationMember> policy = id ? PolicyMember(r, *document, "secretPolicy") : std::nullopt;
      if (policy) {
        std::string arn = id->starts_with("arn:") ? *id
                                                  : base::Concat("arn:", options_.partition, ":secretsmanager:",
                                                                 Region(secret->position), ":", Account(secret->position),
                                                                 ":secret:", *id);
        Add(r, ResourceType::kSecretsManagerSecret, arn, std::move(*policy));
      }
      return done();
    }
    if (t == "AWS::ECR::Repository" || t == "AWS::EFS::FileSystem") {
      bool ecr = t == "AWS::ECR::Repository";
      const SourceNode* document = Property(r, ecr ? "RepositoryPolicyText" : "FileSystemPolicy");
      if (!document) return;  // no policy: the account only
      std::optional<ConfigurationMember> policy = PolicyMember(r, *document, ecr ? "repositoryPolicy" : "fileSystemPolicy");
      if (policy) {
        Add(r, ecr ? ResourceType::kEcrRepository : ResourceType::kEfsFileSystem,
            GetAttValue(r, "Arn", document->position), std::move(*policy));
      }
      return done();
    }
    if (t == "AWS::DynamoDB::Table" || t == "AWS::DynamoDB::GlobalTable") {
      if (const SourceNode* resource_policy = Property(r, "ResourcePolicy")) {
        if (const SourceNode* document = resource_policy->Find("PolicyDocument")) {
          std::optional<ConfigurationMember> policy = PolicyMember(r, *document, "tablePolicy");
          if (policy) Add(r, ResourceType::kDynamoDbTable, GetAttValue(r, "Arn", document->position), std::move(*policy));
        }
      }
      if (const SourceNode* stream = Property(r, "StreamSpecification"); stream && stream->is_mapping()) {
        if (const SourceNode* resource_policy = stream->Find("ResourcePolicy")) {
          if (const SourceNode* document = resource_policy->Find("PolicyDocument")) {
            std::optional<ConfigurationMember> policy = PolicyMember(r, *document, "streamPolicy");
            if (policy) {
              Add(r, ResourceType::kDynamoDbStream, GetAttValue(r, "StreamArn", document->position), std::move(*policy));
            }
          }
        }
      }
      return done();
    }
    auto [it, inserted] = out_of_scope_.try_emplace(t, std::make_pair(size_t{0}, r.position));
    ++it->second.first;
  }

  std::string QueueArn(const std::string& url, base::SourcePosition at) {
    constexpr std::string_view kPrefix = "https://sqs.";
    if (url.starts_with(kPrefix)) {
      size_t dot = url.find('.', kPrefix.size());
      size_t slash = url.find('/', kPrefix.size());
      size_t slash2 = slash == std::string::npos ? std::string::npos : url.find('/', slash + 1);
      if (dot != std::string::npos && slash2 != std::string::npos) {
        return base::Concat("arn:", options_.partition, ":sqs:", url.substr(kPrefix.size(), dot - kPrefix.size()), ":",
                            url.substr(slash + 1, slash2 - slash - 1), ":", url.substr(slash2 + 1));
      }
    }
    if (url.starts_with("arn:")) return url;
    return base::Concat("arn:", options_.partition, ":sqs:", Region(at), ":", Account(at), ":", url);
  }

  void ConvertLambdaPermission(const TemplateResource& r, bool layer) {
    const SourceNode* target = Property(r, layer ? "LayerVersionArn" : "FunctionName");
    const SourceNode* principal_node = Property(r, "Principal");
    const SourceNode* action_node = Property(r, "Action");
    if (!target || !principal_node || !action_node) {
      return Missing(r, layer ? "LayerVersionArn, Principal and Action" : "FunctionName, Principal and Action");
    }
    std::optional<std::string> function = ResolveString(*target);
    std::optional<std::string> principal = ResolveString(*principal_node);
    std::optional<std::string> action = ResolveString(*action_node);
    if (!function || !principal || !action) return;
    std::string arn = *function;
    if (!layer && !arn.starts_with("arn:")) {
      arn = base::Concat("arn:", options_.partition, ":lambda:", Region(target->position), ":",
                         Account(target->position), ":function:", *function);
    }
    LambdaPermission permission{.target = layer ? LambdaPermission::Target::kLayerVersion : LambdaPermission::Target::kFunction,
                                .sid = r.logical_id, .principal = *principal, .action = *action, .resource = arn};
    for (const LambdaPermissionCondition& condition : LambdaPermissionConditions(permission.target)) {
      permission.*condition.value = PropertyString(r, condition.cloudformation_property).value_or("");
    }
    if (failed_) return;
    std::string account = ArnAccount(arn);
    if (account.empty()) account = Account(target->position);
    AddLambdaPermission(permission, arn, account, ArnRegion(arn), r.position, builder_);
  }

  std::string_view source_;  // the template's text
  const SourceNode& root_;
  const IngestOptions& options_;
  InventoryBuilder& builder_;
  std::set<std::string> parameters_;
  const SourceNode* mappings_ = nullptr;
  std::map<std::string, TemplateResource> resources_;
  std::vector<std::string> order_;
  std::map<std::string, std::pair<size_t, base::SourcePosition>> out_of_scope_;
  std::set<std::string> noted_;
  bool failed_ = false;
};

}  // namespace

void ConvertCloudFormation(std::string_view text, const IngestOptions& options, InventoryBuilder& builder) {
  size_t first = text.find_first_not_of(" \t\r\n");
  SourceNode root;
  if (first != std::string_view::npos && text[first] == '{') {
    json::ParseResult parsed = json::Parse(std::string(text));
    if (!parsed.ok()) {
      for (const base::Issue& issue : parsed.issues) builder.Error("ingest.syntax", issue.position, issue.message);
      return;
    }
    root = FromJson(parsed.document.root());
  } else {
    YamlParseResult parsed = ParseYaml(text);
    for (const base::Issue& issue : parsed.issues) builder.Error(issue.code, issue.position, issue.message);
    if (!parsed.ok()) return;
    root = std::move(parsed.root);
  }
  TemplateConverter(text, root, options, builder).Convert();
}

}  // namespace perimeter::ingest::internal
