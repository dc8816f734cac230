// CloudFormation templates (JSON or YAML) → inventory resources. Intrinsic functions are resolved
// by internal/cloudformation_intrinsics.h; this file knows the resource types: what Ref and
// Fn::GetAtt return for each, and which properties hold the policies Access Analyzer reads.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/cloudformation_intrinsics.h"
#include "perimeter/ingest/internal/converters.h"
#include "perimeter/ingest/internal/kms_key_policy.h"
#include "perimeter/ingest/internal/lambda_permission.h"
#include "perimeter/ingest/internal/policy_text.h"
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

// Where CloudFormation resources hold policy documents, and how ValidatePolicy reads each: after
// AWS's CloudFormation policy validator (awslabs/aws-cloudformation-iam-policy-validator: the
// identity parsers, the resource parsers and `Validator.service_specific_policy_validation`), with
// the resource types of ValidatePolicy's validatePolicyResourceType that the template makes
// certain (S3 Object Lambda access points, DynamoDB tables) and the Organizations policies of the
// two IAM kinds. `path`: dotted property names; "[]" walks every element of a list.
struct TemplatePolicyProperty {
  std::string_view type;
  std::string_view path;
  std::string_view policy_type;
  std::string_view validate_policy_resource_type;
};
constexpr TemplatePolicyProperty kTemplatePolicyProperties[] = {
    {"AWS::IAM::Policy", "PolicyDocument", "IDENTITY_POLICY", ""},
    {"AWS::IAM::ManagedPolicy", "PolicyDocument", "IDENTITY_POLICY", ""},
    {"AWS::IAM::RolePolicy", "PolicyDocument", "IDENTITY_POLICY", ""},
    {"AWS::IAM::UserPolicy", "PolicyDocument", "IDENTITY_POLICY", ""},
    {"AWS::IAM::GroupPolicy", "PolicyDocument", "IDENTITY_POLICY", ""},
    {"AWS::IAM::Role", "AssumeRolePolicyDocument", "RESOURCE_POLICY",
     "AWS::IAM::AssumeRolePolicyDocument"},
    {"AWS::IAM::Role", "Policies[].PolicyDocument", "IDENTITY_POLICY", ""},
    {"AWS::IAM::User", "Policies[].PolicyDocument", "IDENTITY_POLICY", ""},
    {"AWS::IAM::Group", "Policies[].PolicyDocument", "IDENTITY_POLICY", ""},
    {"AWS::SSO::PermissionSet", "InlinePolicy", "IDENTITY_POLICY", ""},
    {"AWS::S3::BucketPolicy", "PolicyDocument", "RESOURCE_POLICY", "AWS::S3::Bucket"},
    {"AWS::S3::AccessPoint", "Policy", "RESOURCE_POLICY", "AWS::S3::AccessPoint"},
    {"AWS::S3::MultiRegionAccessPointPolicy", "Policy", "RESOURCE_POLICY",
     "AWS::S3::MultiRegionAccessPoint"},
    {"AWS::S3ObjectLambda::AccessPointPolicy", "PolicyDocument", "RESOURCE_POLICY",
     "AWS::S3ObjectLambda::AccessPoint"},
    {"AWS::S3Express::AccessPoint", "Policy", "RESOURCE_POLICY", ""},
    {"AWS::S3Express::BucketPolicy", "PolicyDocument", "RESOURCE_POLICY", ""},
    {"AWS::S3Tables::TableBucketPolicy", "ResourcePolicy", "RESOURCE_POLICY", ""},
    {"AWS::SQS::QueuePolicy", "PolicyDocument", "RESOURCE_POLICY", ""},
    {"AWS::SNS::TopicPolicy", "PolicyDocument", "RESOURCE_POLICY", ""},
    {"AWS::KMS::Key", "KeyPolicy", "RESOURCE_POLICY", ""},
    {"AWS::SecretsManager::ResourcePolicy", "ResourcePolicy", "RESOURCE_POLICY", ""},
    {"AWS::ApiGateway::RestApi", "Policy", "RESOURCE_POLICY", ""},
    {"AWS::CodeArtifact::Domain", "PermissionsPolicyDocument", "RESOURCE_POLICY", ""},
    {"AWS::CodeArtifact::Repository", "PermissionsPolicyDocument", "RESOURCE_POLICY", ""},
    {"AWS::CloudTrail::ResourcePolicy", "ResourcePolicy", "RESOURCE_POLICY", ""},
    {"AWS::Backup::BackupVault", "AccessPolicy", "RESOURCE_POLICY", ""},
    {"AWS::ECR::Repository", "RepositoryPolicyText", "RESOURCE_POLICY", ""},
    {"AWS::EFS::FileSystem", "FileSystemPolicy", "RESOURCE_POLICY", ""},
    {"AWS::DynamoDB::Table", "ResourcePolicy.PolicyDocument", "RESOURCE_POLICY",
     "AWS::DynamoDB::Table"},
    {"AWS::DynamoDB::Table", "StreamSpecification.ResourcePolicy.PolicyDocument", "RESOURCE_POLICY",
     ""},
    {"AWS::DynamoDB::GlobalTable", "Replicas[].ResourcePolicy.PolicyDocument", "RESOURCE_POLICY",
     "AWS::DynamoDB::Table"},
    {"AWS::Organizations::Policy", "Content", "", ""},  // policy type from Type
};

class TemplateConverter final : public TemplateResourceValues {
 public:
  TemplateConverter(std::string_view source, const SourceNode& root, const IngestOptions& options,
                    InventoryBuilder& builder)
      : source_(source),
        root_(root),
        options_(options),
        builder_(builder),
        intrinsics_(root, options, builder, *this) {}

  // Reads the template's Resources into resources_ (by logical id) and order_ (template order);
  // false, with the error reported, when the template has none to read.
  bool IndexResources() {
    if (!root_.is_mapping()) {
      builder_.Error("ingest.wrong-type", root_.position,
                     "a CloudFormation template must be a mapping");
      return false;
    }
    const SourceNode* resources = root_.Find("Resources");
    if (resources == nullptr || !resources->is_mapping()) {
      builder_.Error("ingest.missing-field", root_.position,
                     "the template has no Resources mapping");
      return false;
    }
    for (const SourceNode& resource : resources->children) {
      TemplateResource entry{resource.key, "", nullptr, resource.key_position};
      if (resource.is_mapping()) {
        if (const SourceNode* type = resource.Find("Type"); type && type->is_string())
          entry.type = type->text;
        entry.properties = resource.Find("Properties");
      }
      resources_.emplace(resource.key, entry);
      order_.push_back(resource.key);
    }
    return true;
  }

  void Convert() {
    if (!IndexResources()) return;
    for (const std::string& id : order_) {
      const TemplateResource& resource = resources_.at(id);
      builder_.CountRecord();
      intrinsics_.ClearFailure();
      if (resource.type.empty()) {
        builder_.Error("ingest.missing-field", resource.position,
                       base::Concat("resource ", id, " has no Type"));
        builder_.SkipRecord();
        continue;
      }
      ConvertResource(resource);
    }
    for (const auto& [type, count_at] : out_of_scope_) {
      builder_.Note(
          "ingest.out-of-scope", count_at.second,
          base::Concat(count_at.first, " resource", count_at.first == 1 ? "" : "s", " of type ",
                       type, " skipped: grants no external access Access Analyzer reports"));
    }
  }

  // The policies of the template's resources, in template order (kTemplatePolicyProperties).
  void FindPolicies(std::vector<TemplatePolicy>& out) {
    if (!IndexResources()) return;
    auto source = std::make_shared<const std::string>(source_);
    intrinsics_.KeepFailures();
    intrinsics_.TrackOrigins(source_);
    std::vector<LocatedLambdaPermission> permissions;
    for (const std::string& id : order_) {
      const TemplateResource& r = resources_.at(id);
      if (r.type == "AWS::Lambda::Permission" || r.type == "AWS::Lambda::LayerVersionPermission") {
        // As AWS's CloudFormation validator: each permission is a statement of its function's
        // (layer version's) policy, validated once all the template's permissions are read.
        bool layer = r.type == "AWS::Lambda::LayerVersionPermission";
        intrinsics_.ClearFailure();
        std::optional<ReadPermission> read = ReadLambdaPermission(r, layer);
        if (intrinsics_.failed()) {
          builder_.Error("validate.unresolved", intrinsics_.failure().position,
                         base::Concat(id, " (", r.type,
                                      ") is not validated: ", intrinsics_.failure().message));
        }
        if (!read) continue;
        // Lambda writes the statement id it is given; AWS's validator writes none.
        read->permission.sid.clear();
        permissions.push_back(LocatedLambdaPermission{.permission = std::move(read->permission),
                                                      .policy_key = read->arn,
                                                      .resource = id,
                                                      .position = r.position,
                                                      .values = std::move(read->values)});
        continue;
      }
      for (const TemplatePolicyProperty& property : kTemplatePolicyProperties) {
        if (property.type != r.type) continue;
        size_t dot = property.path.find('.');
        std::string_view head = property.path.substr(0, dot);
        bool list = head.ends_with("[]");
        if (list) head.remove_suffix(2);
        const SourceNode* node = Property(r, head);
        if (node == nullptr) continue;
        intrinsics_.ClearFailure();
        std::optional<SourceNode> resolved = intrinsics_.Resolve(*node);
        if (intrinsics_.failed()) {
          builder_.Error("validate.unresolved", intrinsics_.failure().position,
                         base::Concat(id, ".", head, " (", r.type,
                                      ") is not validated: ", intrinsics_.failure().message));
          continue;
        }
        if (!resolved.has_value()) continue;  // AWS::NoValue: no policy
        std::string_view rest =
            dot == std::string_view::npos ? std::string_view() : property.path.substr(dot + 1);
        if (list) {
          if (!resolved->is_sequence()) {
            builder_.Error("validate.wrong-type", node->position,
                           base::Concat(id, ".", head, " must be a list"));
            continue;
          }
          for (size_t i = 0; i < resolved->children.size(); ++i) {
            FindAt(r, property, resolved->children[i], base::Concat(head, "[", i, "]"), rest,
                   source, out);
          }
        } else {
          FindAt(r, property, *resolved, std::string(head), rest, source, out);
        }
      }
    }
    // Each permissions policy among the others, at its first permission's place in the template.
    for (TemplatePolicy& policy : LambdaPermissionPolicies(permissions)) {
      auto at = std::find_if(out.begin(), out.end(), [&](const TemplatePolicy& other) {
        return other.position.offset > policy.position.offset;
      });
      out.insert(at, std::move(policy));
    }
  }

 private:
  // ---- values
  // -------------------------------------------------------------------------------------

  std::string Account(base::SourcePosition at) { return intrinsics_.Account(at); }
  std::string Region(base::SourcePosition at) { return intrinsics_.Region(at); }

  std::optional<std::string> RefValue(std::string_view logical_id,
                                      base::SourcePosition at) override {
    auto it = resources_.find(std::string(logical_id));
    if (it == resources_.end()) return std::nullopt;
    return RefValue(it->second, at);
  }

  std::optional<std::string> GetAttValue(std::string_view logical_id, std::string_view attribute,
                                         base::SourcePosition at) override {
    auto it = resources_.find(std::string(logical_id));
    if (it == resources_.end()) return std::nullopt;
    return GetAttValue(it->second, attribute, at);
  }

  std::optional<std::string> PropertyString(const TemplateResource& resource,
                                            std::string_view name) {
    if (resource.properties == nullptr) return std::nullopt;
    const SourceNode* node = resource.properties->Find(name);
    if (node == nullptr) return std::nullopt;
    return intrinsics_.ResolveString(*node);
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
      return base::Concat("https://sqs.", Region(at), ".amazonaws.com/", Account(at), "/",
                          Name(r, "QueueName"));
    }
    if (t == "AWS::SNS::Topic" || t == "AWS::SecretsManager::Secret" ||
        t == "AWS::Lambda::LayerVersion") {
      return GetAttValue(r, "Arn", at);
    }
    if (t == "AWS::Lambda::Function") return Name(r, "FunctionName");
    if (t == "AWS::ECR::Repository") return Name(r, "RepositoryName");
    if (t == "AWS::DynamoDB::Table") return Name(r, "TableName");
    return Placeholder(r.logical_id);  // ids CloudFormation or the service generates
  }

  std::string GetAttValue(const TemplateResource& r, std::string_view attribute,
                          base::SourcePosition at) {
    const std::string& t = r.type;
    const std::string p = options_.partition;
    if (attribute == "Arn" || attribute == "TopicArn" || attribute == "QueueArn" ||
        attribute == "StreamArn" || attribute == "LayerVersionArn") {
      if (t == "AWS::S3::Bucket") return base::Concat("arn:", p, ":s3:::", Name(r, "BucketName"));
      if (t == "AWS::IAM::Role") {
        std::string path = PropertyString(r, "Path").value_or("/");
        return base::Concat("arn:", p, ":iam::", Account(at), ":role", path, Name(r, "RoleName"));
      }
      if (t == "AWS::KMS::Key")
        return base::Concat("arn:", p, ":kms:", Region(at), ":", Account(at), ":key/",
                            Placeholder(r.logical_id));
      if (t == "AWS::SQS::Queue")
        return base::Concat("arn:", p, ":sqs:", Region(at), ":", Account(at), ":",
                            Name(r, "QueueName"));
      if (t == "AWS::SNS::Topic")
        return base::Concat("arn:", p, ":sns:", Region(at), ":", Account(at), ":",
                            Name(r, "TopicName"));
      if (t == "AWS::Lambda::Function") {
        return base::Concat("arn:", p, ":lambda:", Region(at), ":", Account(at),
                            ":function:", Name(r, "FunctionName"));
      }
      if (t == "AWS::Lambda::LayerVersion") {
        return base::Concat("arn:", p, ":lambda:", Region(at), ":", Account(at),
                            ":layer:", Name(r, "LayerName"), ":",
                            Placeholder(r.logical_id + ".Version"));
      }
      if (t == "AWS::SecretsManager::Secret") {
        return base::Concat("arn:", p, ":secretsmanager:", Region(at), ":", Account(at),
                            ":secret:", Name(r, "Name"));
      }
      if (t == "AWS::ECR::Repository") {
        return base::Concat("arn:", p, ":ecr:", Region(at), ":", Account(at), ":repository/",
                            Name(r, "RepositoryName"));
      }
      if (t == "AWS::EFS::FileSystem") {
        return base::Concat("arn:", p, ":elasticfilesystem:", Region(at), ":", Account(at),
                            ":file-system/", Placeholder(r.logical_id));
      }
      if (t == "AWS::DynamoDB::Table") {
        std::string table = base::Concat("arn:", p, ":dynamodb:", Region(at), ":", Account(at),
                                         ":table/", Name(r, "TableName"));
        return attribute == "StreamArn"
                   ? base::Concat(table, "/stream/", Placeholder(r.logical_id + ".StreamLabel"))
                   : table;
      }
    }
    if (attribute == "QueueName" || attribute == "TopicName") return Name(r, attribute);
    if (attribute == "QueueUrl") return RefValue(r, at);
    if (attribute == "KeyId" || attribute == "FileSystemId" || attribute == "RoleId")
      return Placeholder(r.logical_id);
    return Placeholder(base::Concat(r.logical_id, ".", attribute));
  }

  // ---- resources
  // ------------------------------------------------------------------------------------

  // The policy at `rest` (dotted member names) under `node`, the value of `name`.
  void FindAt(const TemplateResource& r, const TemplatePolicyProperty& property,
              const SourceNode& node, std::string name, std::string_view rest,
              const std::shared_ptr<const std::string>& source, std::vector<TemplatePolicy>& out) {
    if (!rest.empty()) {
      size_t dot = rest.find('.');
      std::string_view member = rest.substr(0, dot);
      rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
      const SourceNode* child = node.is_mapping() ? node.Find(member) : nullptr;
      if (child == nullptr) return;  // no policy there
      name = base::Concat(name, ".", member);
      return FindAt(r, property, *child, std::move(name), rest, source, out);
    }
    TemplatePolicy policy{
        .resource = r.logical_id,
        .resource_type = r.type,
        .property = name,
        .policy_type = std::string(property.policy_type),
        .validate_policy_resource_type = std::string(property.validate_policy_resource_type),
        .document = {},
        .position = node.position,
        .locate = {}};
    if (r.type == "AWS::Organizations::Policy") {
      std::optional<std::string> type =
          Property(r, "Type") ? intrinsics_.ResolveString(*Property(r, "Type")) : std::nullopt;
      if (type == "SERVICE_CONTROL_POLICY" || type == "RESOURCE_CONTROL_POLICY") {
        policy.policy_type = *type;
      } else {
        builder_.Note("validate.no-policy-document", r.position,
                      base::Concat(r.logical_id, " (", r.type, ") is not validated: its Type is ",
                                   type.value_or("not known"),
                                   ", not SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY "
                                   "(only those are IAM policies)"));
        return;
      }
    }
    PolicyText text;
    if (node.is_mapping()) {
      text = MappingPolicyText(node, source);
    } else if (node.is_string()) {
      text = StringPolicyText(node, source);
    } else {
      builder_.Error("validate.wrong-type", node.position,
                     base::Concat(r.logical_id, ".", name, " (", r.type,
                                  ") is not validated: a policy document must be a mapping or a "
                                  "JSON string, not a ",
                                  NodeKindName(node.kind)));
      return;
    }
    policy.document = std::move(text.json);
    policy.locate = std::move(text.locate);
    out.push_back(std::move(policy));
  }

  const SourceNode* Property(const TemplateResource& r, std::string_view name) {
    return r.properties != nullptr && r.properties->is_mapping() ? r.properties->Find(name)
                                                                 : nullptr;
  }

  // Where the statements of the JSON policy a YAML string scalar holds are written: each byte of
  // the scalar's value is found in the template text from the scalar's start, past what YAML adds
  // around it (quotes, escape backslashes, doubled single quotes, indentation, line breaks, a
  // block's indicator line; a folded line break reads as a space). Empty when the value is not
  // found that way (a string an intrinsic function built, an escape YAML writes otherwise): the
  // policy is reported at the string.
  std::vector<base::SourcePosition> YamlScalarStatementPositions(const SourceNode& node) const {
    std::optional<std::vector<uint32_t>> raw_offsets = YamlScalarRawOffsets(source_, node);
    if (!raw_offsets.has_value()) return {};
    return resources::PolicyStatementPositionsIn(node.text, [&](uint32_t offset) {
      return json::PositionAt(source_, (*raw_offsets)[offset]);
    });
  }

  // A policy document property as a configuration member (a JSON string literal).
  std::optional<ConfigurationMember> PolicyMember(const TemplateResource& r, const SourceNode& node,
                                                  std::string_view member) {
    std::optional<SourceNode> resolved = intrinsics_.Resolve(node);
    if (!resolved || intrinsics_.failed()) return std::nullopt;
    std::string json;
    // Where each statement is in the template: the elements of a mapping's Statement (resolving
    // keeps positions); in a JSON string of a JSON template, through the literal's escapes. A
    // policy written as a YAML string, or built by an intrinsic function, is reported at the
    // string.
    std::vector<base::SourcePosition> statements;
    if (resolved->is_string()) {
      json = json::Quote(resolved->text);
      statements = resolved->literal.empty()
                       ? YamlScalarStatementPositions(*resolved)
                       : resources::PolicyStatementPositionsInLiteral(
                             resolved->text, resolved->literal, resolved->position);
    } else if (resolved->is_mapping()) {
      json = json::Quote(ToJson(*resolved));
      if (const SourceNode* statement = resolved->Find("Statement"); statement != nullptr) {
        if (statement->is_mapping()) statements.push_back(statement->position);
        if (statement->is_sequence()) {
          for (const SourceNode& element : statement->children)
            statements.push_back(element.position);
        }
      }
    } else {
      intrinsics_.Fail(
          node.position,
          base::Concat(r.logical_id, ": a policy document must be a mapping or a JSON string"));
      return std::nullopt;
    }
    return ConfigurationMember{std::string(member), std::move(json), node.position,
                               std::move(statements)};
  }

  void Add(const TemplateResource& r, ResourceType type, const std::string& arn,
           ConfigurationMember member, bool primary = true) {
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
      if (intrinsics_.failed()) builder_.SkipRecord();
    };
    if (t == "AWS::S3::BucketPolicy") {
      const SourceNode* bucket = Property(r, "Bucket");
      const SourceNode* document = Property(r, "PolicyDocument");
      if (!bucket || !document) return Missing(r, "Bucket and PolicyDocument");
      std::optional<std::string> name = intrinsics_.ResolveString(*bucket);
      std::optional<ConfigurationMember> policy =
          name ? PolicyMember(r, *document, "bucketPolicy") : std::nullopt;
      if (policy)
        Add(r, ResourceType::kS3Bucket, base::Concat("arn:", options_.partition, ":s3:::", *name),
            std::move(*policy));
      return done();
    }
    if (t == "AWS::S3::Bucket") {
      std::string arn = GetAttValue(r, "Arn", r.position);
      if (const SourceNode* acl = Property(r, "AccessControl")) {
        std::optional<std::string> canned = intrinsics_.ResolveString(*acl);
        std::optional<AclGrants> grants = canned ? CannedAclGrants(*canned) : std::nullopt;
        if (grants) Add(r, ResourceType::kS3Bucket, arn, grants->Member(acl->position), false);
      }
      if (const SourceNode* block = Property(r, "PublicAccessBlockConfiguration")) {
        std::optional<SourceNode> resolved = intrinsics_.Resolve(*block);
        if (resolved && resolved->is_mapping()) {
          std::string json = "{";
          for (auto [property, member] :
               {std::pair<std::string_view, std::string_view>{"BlockPublicAcls", "blockPublicAcls"},
                {"IgnorePublicAcls", "ignorePublicAcls"},
                {"BlockPublicPolicy", "blockPublicPolicy"},
                {"RestrictPublicBuckets", "restrictPublicBuckets"}}) {
            const SourceNode* value = resolved->Find(property);
            bool on = value != nullptr &&
                      (value->text == "true" || value->text == "True" || value->text == "TRUE");
            json += base::Concat(json.size() > 1 ? "," : "", json::Quote(member), ":",
                                 on ? "true" : "false");
          }
          json += "}";
          Add(r, ResourceType::kS3Bucket, arn,
              ConfigurationMember{"bucketPublicAccessBlock", json, block->position}, false);
        }
      }
      return done();
    }
    if (t == "AWS::IAM::Role") {
      const SourceNode* document = Property(r, "AssumeRolePolicyDocument");
      if (!document) return Missing(r, "AssumeRolePolicyDocument");
      std::optional<ConfigurationMember> policy = PolicyMember(r, *document, "trustPolicy");
      if (policy)
        Add(r, ResourceType::kIamRole, GetAttValue(r, "Arn", document->position),
            std::move(*policy));
      return done();
    }
    if (t == "AWS::KMS::Key") {
      const SourceNode* document = Property(r, "KeyPolicy");
      if (!document) return;  // the default key policy: the account only
      std::optional<ConfigurationMember> policy = PolicyMember(r, *document, kKmsKeyPoliciesMember);
      if (policy) {
        policy->json = KmsKeyPolicies(policy->json);
        Add(r, ResourceType::kKmsKey, GetAttValue(r, "Arn", document->position),
            std::move(*policy));
      }
      return done();
    }
    if (t == "AWS::SQS::QueuePolicy" || t == "AWS::SNS::TopicPolicy") {
      bool sqs = t == "AWS::SQS::QueuePolicy";
      const SourceNode* targets = Property(r, sqs ? "Queues" : "Topics");
      const SourceNode* document = Property(r, "PolicyDocument");
      if (!targets || !document)
        return Missing(r, sqs ? "Queues and PolicyDocument" : "Topics and PolicyDocument");
      std::optional<SourceNode> list = intrinsics_.Resolve(*targets);
      std::optional<ConfigurationMember> policy =
          list ? PolicyMember(r, *document, sqs ? "queuePolicy" : "topicPolicy") : std::nullopt;
      if (!policy || !list->is_sequence()) {
        if (!intrinsics_.failed())
          intrinsics_.Fail(targets->position, "Queues / Topics must be a list");
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
      std::optional<std::string> id = intrinsics_.ResolveString(*secret);
      std::optional<ConfigurationMember> policy =
          id ? PolicyMember(r, *document, "secretPolicy") : std::nullopt;
      if (policy) {
        std::string arn = id->starts_with("arn:")
                              ? *id
                              : base::Concat("arn:", options_.partition,
                                             ":secretsmanager:", Region(secret->position), ":",
                                             Account(secret->position), ":secret:", *id);
        Add(r, ResourceType::kSecretsManagerSecret, arn, std::move(*policy));
      }
      return done();
    }
    if (t == "AWS::ECR::Repository" || t == "AWS::EFS::FileSystem") {
      bool ecr = t == "AWS::ECR::Repository";
      const SourceNode* document = Property(r, ecr ? "RepositoryPolicyText" : "FileSystemPolicy");
      if (!document) return;  // no policy: the account only
      std::optional<ConfigurationMember> policy =
          PolicyMember(r, *document, ecr ? "repositoryPolicy" : "fileSystemPolicy");
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
          if (policy)
            Add(r, ResourceType::kDynamoDbTable, GetAttValue(r, "Arn", document->position),
                std::move(*policy));
        }
      }
      if (const SourceNode* stream = Property(r, "StreamSpecification");
          stream && stream->is_mapping()) {
        if (const SourceNode* resource_policy = stream->Find("ResourcePolicy")) {
          if (const SourceNode* document = resource_policy->Find("PolicyDocument")) {
            std::optional<ConfigurationMember> policy = PolicyMember(r, *document, "streamPolicy");
            if (policy) {
              Add(r, ResourceType::kDynamoDbStream, GetAttValue(r, "StreamArn", document->position),
                  std::move(*policy));
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
        return base::Concat("arn:", options_.partition,
                            ":sqs:", url.substr(kPrefix.size(), dot - kPrefix.size()), ":",
                            url.substr(slash + 1, slash2 - slash - 1), ":", url.substr(slash2 + 1));
      }
    }
    if (url.starts_with("arn:")) return url;
    return base::Concat("arn:", options_.partition, ":sqs:", Region(at), ":", Account(at), ":",
                        url);
  }

  // The permission an AWS::Lambda::Permission or AWS::Lambda::LayerVersionPermission declares, the
  // ARN of the function or layer version whose policy it joins, and where its values are written;
  // nullopt when a required property is missing (reported) or does not resolve (the intrinsics'
  // failure, which the caller reports or not).
  struct ReadPermission {
    LambdaPermission permission;
    std::string arn;
    base::SourcePosition target_position;
    std::vector<std::pair<std::string, base::SourcePosition>> values;
  };
  std::optional<ReadPermission> ReadLambdaPermission(const TemplateResource& r, bool layer) {
    const SourceNode* target = Property(r, layer ? "LayerVersionArn" : "FunctionName");
    const SourceNode* principal_node = Property(r, "Principal");
    const SourceNode* action_node = Property(r, "Action");
    if (!target || !principal_node || !action_node) {
      Missing(r, layer ? "LayerVersionArn, Principal and Action"
                       : "FunctionName, Principal and Action");
      return std::nullopt;
    }
    std::optional<std::string> function = intrinsics_.ResolveString(*target);
    std::optional<std::string> principal = intrinsics_.ResolveString(*principal_node);
    std::optional<std::string> action = intrinsics_.ResolveString(*action_node);
    if (!function || !principal || !action) return std::nullopt;
    std::string arn = *function;
    if (!layer && !arn.starts_with("arn:")) {
      arn = base::Concat("arn:", options_.partition, ":lambda:", Region(target->position), ":",
                         Account(target->position), ":function:", *function);
    }
    ReadPermission read{
        .permission = LambdaPermission{.target = layer ? LambdaPermission::Target::kLayerVersion
                                                       : LambdaPermission::Target::kFunction,
                                       .sid = r.logical_id,
                                       .principal = *principal,
                                       .action = *action,
                                       .resource = arn},
        .arn = arn,
        .target_position = target->position,
        .values = {{*principal, principal_node->position},
                   {*action, action_node->position},
                   {arn, target->position}}};
    for (const LambdaPermissionCondition& condition :
         LambdaPermissionConditions(read.permission.target)) {
      const SourceNode* node = Property(r, condition.cloudformation_property);
      std::optional<std::string> value = node ? intrinsics_.ResolveString(*node) : std::nullopt;
      read.permission.*condition.value = value.value_or("");
      if (value && !value->empty()) read.values.emplace_back(*value, node->position);
    }
    if (intrinsics_.failed()) return std::nullopt;
    return read;
  }

  void ConvertLambdaPermission(const TemplateResource& r, bool layer) {
    std::optional<ReadPermission> read = ReadLambdaPermission(r, layer);
    if (!read) return;
    std::string account = ArnAccount(read->arn);
    if (account.empty()) account = Account(read->target_position);
    AddLambdaPermission(read->permission, read->arn, account, ArnRegion(read->arn), r.position,
                        builder_);
  }

  std::string_view source_;  // the template's text
  const SourceNode& root_;
  const IngestOptions& options_;
  InventoryBuilder& builder_;
  TemplateIntrinsics intrinsics_;
  std::map<std::string, TemplateResource> resources_;
  std::vector<std::string> order_;
  std::map<std::string, std::pair<size_t, base::SourcePosition>> out_of_scope_;
};

}  // namespace

void ConvertCloudFormation(std::string_view text, const IngestOptions& options,
                           InventoryBuilder& builder) {
  size_t first = text.find_first_not_of(" \t\r\n");
  SourceNode root;
  if (first != std::string_view::npos && text[first] == '{') {
    json::ParseResult parsed = json::Parse(std::string(text));
    if (!parsed.ok()) {
      for (const base::Issue& issue : parsed.issues)
        builder.Error("ingest.syntax", issue.position, issue.message);
      return;
    }
    root = FromJson(parsed.document.root());
  } else {
    YamlParseResult parsed = ParseYaml(text);
    for (const base::Issue& issue : parsed.issues)
      builder.Error(issue.code, issue.position, issue.message);
    if (!parsed.ok()) return;
    root = std::move(parsed.root);
  }
  TemplateConverter(text, root, options, builder).Convert();
}

void FindCloudFormationPolicies(std::string_view text, const IngestOptions& options,
                                InventoryBuilder& builder, std::vector<TemplatePolicy>& out) {
  size_t first = text.find_first_not_of(" \t\r\n");
  SourceNode root;
  if (first != std::string_view::npos && text[first] == '{') {
    json::ParseResult parsed = json::Parse(std::string(text));
    if (!parsed.ok()) {
      for (const base::Issue& issue : parsed.issues)
        builder.Error("ingest.syntax", issue.position, issue.message);
      return;
    }
    root = FromJson(parsed.document.root());
  } else {
    YamlParseResult parsed = ParseYaml(text);
    for (const base::Issue& issue : parsed.issues)
      builder.Error(issue.code, issue.position, issue.message);
    if (!parsed.ok()) return;
    root = std::move(parsed.root);
  }
  // A parameter without a value given takes its Default, as AWS's CloudFormation policy validator
  // reads it.
  IngestOptions with_defaults = options;
  if (const SourceNode* parameters = root.Find("Parameters");
      parameters != nullptr && parameters->is_mapping()) {
    for (const SourceNode& parameter : parameters->children) {
      const SourceNode* value = parameter.Find("Default");
      if (value != nullptr && value->is_scalar() &&
          !with_defaults.parameters.contains(parameter.key))
        with_defaults.parameters.emplace(parameter.key, value->text);
    }
  }
  TemplateConverter(text, root, with_defaults, builder).FindPolicies(out);
}

}  // namespace perimeter::ingest::internal
