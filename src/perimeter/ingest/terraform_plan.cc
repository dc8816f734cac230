// Terraform's JSON output (`terraform show -json plan.out`, or `terraform show -json` of a state) →
// inventory resources.
//
// Shape (Terraform docs, "JSON Output Format"): a plan has "resource_changes": [{"address", "mode",
// "type", "name", "change": {"actions", "before", "after", "after_unknown"}}], "planned_values" and
// "configuration" (expressions with their "references"); a state has "values": {"root_module":
// {"resources": [{"address", "type", "values"}], "child_modules": [...]}}.
//
// Values known only after apply are marked in `after_unknown`. A name or ARN that is unknown is
// looked up through the configuration's references (aws_s3_bucket_policy.bucket →
// aws_s3_bucket.b.id → the bucket's planned name); failing that it becomes a placeholder
// "{aws_s3_bucket.b.id}" and a note. A policy that is unknown cannot be analyzed: that is an error
// at the resource (never a silent pass).
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/converters.h"
#include "perimeter/ingest/internal/kms_key_policy.h"
#include "perimeter/ingest/internal/lambda_permission.h"
#include "perimeter/ingest/internal/policy_text.h"
#include "perimeter/ingest/internal/s3_acl.h"
#include "perimeter/resources/policy_positions.h"

namespace perimeter::ingest::internal {
namespace {

using resources::ResourceType;

struct PlanResource {
  std::string address;
  std::string type;
  json::Value values;                  // `after` or the state's `values`
  std::optional<json::Value> unknown;  // `after_unknown`
  base::SourcePosition position;
};

// Where Terraform resources hold policy documents, and how ValidatePolicy reads each: the
// attributes of AWS's Terraform policy validator (awslabs/terraform-iam-policy-validator, its
// default configuration: `iamPolicyAttributes`, `validatePolicyResourceType`), with the policy type
// the resource gives (the role's trust policy read as AWS::IAM::AssumeRolePolicyDocument, the
// Organizations policies of the two IAM kinds) rather than guessed from the statements. `path`:
// dotted attribute names; "[]" walks every element of a list.
struct PlanPolicyAttribute {
  std::string_view type;
  std::string_view path;
  std::string_view policy_type;
  std::string_view validate_policy_resource_type;
};
constexpr PlanPolicyAttribute kPlanPolicyAttributes[] = {
    {"aws_iam_policy", "policy", "IDENTITY_POLICY", ""},
    {"aws_iam_role_policy", "policy", "IDENTITY_POLICY", ""},
    {"aws_iam_user_policy", "policy", "IDENTITY_POLICY", ""},
    {"aws_iam_group_policy", "policy", "IDENTITY_POLICY", ""},
    {"aws_iam_role", "assume_role_policy", "RESOURCE_POLICY", "AWS::IAM::AssumeRolePolicyDocument"},
    {"aws_iam_role", "inline_policy[].policy", "IDENTITY_POLICY", ""},
    {"aws_ssoadmin_permission_set_inline_policy", "inline_policy", "IDENTITY_POLICY", ""},
    {"aws_iot_policy", "policy", "IDENTITY_POLICY", ""},
    {"aws_s3_bucket", "policy", "RESOURCE_POLICY", "AWS::S3::Bucket"},
    {"aws_s3_bucket_policy", "policy", "RESOURCE_POLICY", "AWS::S3::Bucket"},
    {"aws_s3_access_point", "policy", "RESOURCE_POLICY", "AWS::S3::AccessPoint"},
    {"aws_s3control_access_point_policy", "policy", "RESOURCE_POLICY", "AWS::S3::AccessPoint"},
    {"aws_s3control_multi_region_access_point_policy", "details[].policy", "RESOURCE_POLICY",
     "AWS::S3::MultiRegionAccessPoint"},
    {"aws_s3control_object_lambda_access_point_policy", "policy", "RESOURCE_POLICY",
     "AWS::S3ObjectLambda::AccessPoint"},
    {"aws_s3control_bucket_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_s3tables_table_bucket_policy", "resource_policy", "RESOURCE_POLICY", ""},
    {"aws_s3tables_table_policy", "resource_policy", "RESOURCE_POLICY", ""},
    {"aws_api_gateway_rest_api", "policy", "RESOURCE_POLICY", ""},
    {"aws_api_gateway_rest_api_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_backup_vault_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_cloudwatch_event_bus_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_cloudwatch_log_destination_policy", "access_policy", "RESOURCE_POLICY", ""},
    {"aws_cloudwatch_log_resource_policy", "policy_document", "RESOURCE_POLICY", ""},
    {"aws_codeartifact_domain_permissions_policy", "policy_document", "RESOURCE_POLICY", ""},
    {"aws_codeartifact_repository_permissions_policy", "policy_document", "RESOURCE_POLICY", ""},
    {"aws_codebuild_resource_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_dynamodb_resource_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_ecr_registry_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_ecr_repository_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_ecrpublic_repository_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_efs_file_system_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_elasticsearch_domain", "access_policies", "RESOURCE_POLICY", ""},
    {"aws_elasticsearch_domain_policy", "access_policies", "RESOURCE_POLICY", ""},
    {"aws_glacier_vault", "access_policy", "RESOURCE_POLICY", ""},
    {"aws_glacier_vault_lock", "policy", "RESOURCE_POLICY", ""},
    {"aws_glue_resource_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_kinesis_resource_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_kms_key", "policy", "RESOURCE_POLICY", ""},
    {"aws_kms_external_key", "policy", "RESOURCE_POLICY", ""},
    {"aws_kms_replica_key", "policy", "RESOURCE_POLICY", ""},
    {"aws_kms_replica_external_key", "policy", "RESOURCE_POLICY", ""},
    {"aws_media_store_container_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_networkfirewall_resource_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_opensearch_domain", "access_policies", "RESOURCE_POLICY", ""},
    {"aws_opensearch_domain_policy", "access_policies", "RESOURCE_POLICY", ""},
    {"aws_sagemaker_model_package_group_policy", "resource_policy", "RESOURCE_POLICY", ""},
    {"aws_secretsmanager_secret", "policy", "RESOURCE_POLICY", ""},
    {"aws_secretsmanager_secret_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_ses_identity_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_sns_topic", "policy", "RESOURCE_POLICY", ""},
    {"aws_sns_topic_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_sqs_queue", "policy", "RESOURCE_POLICY", ""},
    {"aws_sqs_queue_policy", "policy", "RESOURCE_POLICY", ""},
    {"aws_transfer_access", "policy", "RESOURCE_POLICY", ""},
    {"aws_transfer_user", "policy", "RESOURCE_POLICY", ""},
    {"aws_vpc_endpoint", "policy", "RESOURCE_POLICY", ""},
    {"aws_organizations_policy", "content", "", ""},  // policy type from `type`
};

class PlanConverter {
 public:
  PlanConverter(const IngestOptions& options, InventoryBuilder& builder)
      : options_(options), builder_(builder) {}

  void Convert(const json::Value& root) {
    if (!root.is_object()) {
      builder_.Error("ingest.wrong-type", root.position(),
                     "a Terraform plan must be a JSON object");
      return;
    }
    if (std::optional<json::Value> configuration = root.Find("configuration"))
      ReadConfiguration(*configuration);
    if (std::optional<json::Value> changes = root.Find("resource_changes");
        changes.has_value() && changes->is_array()) {
      for (const json::Value& change : changes->children()) ReadChange(change);
    } else if (std::optional<json::Value> planned = root.Find("planned_values")) {
      ReadModule(planned->Find("root_module"));
    } else if (std::optional<json::Value> values = root.Find("values")) {
      ReadModule(values->Find("root_module"));
    }
    for (const PlanResource& resource : resources_) ConvertResource(resource);
    if (!out_of_scope_.empty()) {
      std::string list;
      size_t total = 0;
      for (const auto& [type, count] : out_of_scope_) {
        list += base::Concat(list.empty() ? "" : ", ", type, " x", count);
        total += count;
      }
      builder_.Note(
          "ingest.out-of-scope", root.position(),
          base::Concat(total, " resources of types that grant no external access skipped (", list,
                       ")"));
    }
  }

  // The policies of the plan's resources (kPlanPolicyAttributes), in plan order.
  void FindPolicies(const json::Value& root, const std::shared_ptr<const std::string>& source,
                    std::vector<TemplatePolicy>& out) {
    if (!root.is_object()) {
      builder_.Error("ingest.wrong-type", root.position(),
                     "a Terraform plan must be a JSON object");
      return;
    }
    if (std::optional<json::Value> changes = root.Find("resource_changes");
        changes.has_value() && changes->is_array()) {
      for (const json::Value& change : changes->children()) ReadChange(change);
    } else if (std::optional<json::Value> planned = root.Find("planned_values")) {
      ReadModule(planned->Find("root_module"));
    } else if (std::optional<json::Value> values = root.Find("values")) {
      ReadModule(values->Find("root_module"));
    }
    std::vector<LocatedLambdaPermission> permissions;
    for (const PlanResource& r : resources_) {
      if (r.type == "aws_lambda_permission" || r.type == "aws_lambda_layer_version_permission") {
        // As AWS's Terraform validator: the statement Lambda adds, as a policy of its own. A value
        // known only after apply cannot be validated (named, as the policies of other resources).
        bool layer = r.type == "aws_lambda_layer_version_permission";
        std::vector<std::string_view> unknown;
        for (std::string_view attribute :
             {layer ? "layer_name" : "function_name", "principal", "action", "qualifier"}) {
          if (IsUnknown(r, attribute)) unknown.push_back(attribute);
        }
        for (const LambdaPermissionCondition& condition :
             LambdaPermissionConditions(layer ? LambdaPermission::Target::kLayerVersion
                                              : LambdaPermission::Target::kFunction)) {
          if (IsUnknown(r, condition.terraform_attribute))
            unknown.push_back(condition.terraform_attribute);
        }
        if (!unknown.empty()) {
          std::string names;
          for (std::string_view name : unknown)
            names += base::Concat(names.empty() ? "" : ", ", name);
          builder_.Error("validate.unknown-value", r.position,
                         base::Concat(r.address, " (", r.type, ") is not validated: ", names,
                                      " known only after apply (validate the state after apply, "
                                      "or make the permission's inputs known at plan time)"));
          continue;
        }
        std::optional<ReadPermission> read = ReadLambdaPermission(r, layer);
        if (!read) continue;
        // Lambda writes the statement id it is given; AWS's validator writes none.
        read->permission.sid.clear();
        permissions.push_back(LocatedLambdaPermission{.permission = std::move(read->permission),
                                                      .policy_key = r.address,
                                                      .resource = r.address,
                                                      .position = r.position,
                                                      .values = std::move(read->values)});
        continue;
      }
      for (const PlanPolicyAttribute& attribute : kPlanPolicyAttributes) {
        if (attribute.type != r.type) continue;
        std::optional<json::Value> unknown = r.unknown;
        FindAt(r, attribute, r.values, unknown, "", attribute.path, source, out);
      }
    }
    // Each permission's policy among the others, at the permission's place in the plan.
    for (TemplatePolicy& policy : LambdaPermissionPolicies(permissions)) {
      auto at = std::find_if(out.begin(), out.end(), [&](const TemplatePolicy& other) {
        return other.position.offset > policy.position.offset;
      });
      out.insert(at, std::move(policy));
    }
  }

 private:
  void ReadConfiguration(const json::Value& configuration) {
    std::optional<json::Value> module = configuration.Find("root_module");
    if (!module.has_value()) return;
    std::optional<json::Value> resources = module->Find("resources");
    if (!resources.has_value() || !resources->is_array()) return;
    for (const json::Value& resource : resources->children()) {
      std::optional<json::Value> address = resource.Find("address");
      std::optional<json::Value> expressions = resource.Find("expressions");
      if (!address.has_value() || !address->is_string() || !expressions.has_value() ||
          !expressions->is_object()) {
        continue;
      }
      for (const json::Value& expression : expressions->members()) {
        std::optional<json::Value> references =
            expression.is_object() ? expression.Find("references") : std::nullopt;
        if (!references.has_value() || !references->is_array()) continue;
        for (const json::Value& reference : references->children()) {
          if (!reference.is_string()) continue;
          references_[base::Concat(address->text(), "#", expression.key())].emplace_back(
              reference.text());
        }
      }
    }
  }

  void ReadChange(const json::Value& change) {
    if (!change.is_object()) return;
    std::optional<json::Value> mode = change.Find("mode");
    if (mode.has_value() && mode->is_string() && mode->text() != "managed") return;
    builder_.CountRecord();
    std::optional<json::Value> address = change.Find("address");
    std::optional<json::Value> type = change.Find("type");
    std::optional<json::Value> detail = change.Find("change");
    if (!address.has_value() || !address->is_string() || !type.has_value() || !type->is_string() ||
        !detail.has_value() || !detail->is_object()) {
      builder_.Error("ingest.missing-field", change.position(),
                     "a resource change needs address, type and change");
      builder_.SkipRecord();
      return;
    }
    std::optional<json::Value> after = detail->Find("after");
    if (!after.has_value() || after->is_null()) return;  // deleted by the plan: it will not exist
    if (!after->is_object()) {
      builder_.Error("ingest.wrong-type", after->position(),
                     base::Concat(address->text(), ": after must be an object"));
      builder_.SkipRecord();
      return;
    }
    std::optional<json::Value> unknown = detail->Find("after_unknown");
    if (unknown.has_value() && !unknown->is_object()) unknown.reset();
    resources_.push_back(PlanResource{std::string(address->text()), std::string(type->text()),
                                      *after, unknown, change.position()});
  }

  void ReadModule(const std::optional<json::Value>& module) {
    if (!module.has_value() || !module->is_object()) return;
    if (std::optional<json::Value> resources = module->Find("resources");
        resources.has_value() && resources->is_array()) {
      for (const json::Value& resource : resources->children()) {
        if (!resource.is_object()) continue;
        std::optional<json::Value> mode = resource.Find("mode");
        if (mode.has_value() && mode->is_string() && mode->text() != "managed") continue;
        builder_.CountRecord();
        std::optional<json::Value> address = resource.Find("address");
        std::optional<json::Value> type = resource.Find("type");
        std::optional<json::Value> values = resource.Find("values");
        if (!address.has_value() || !address->is_string() || !type.has_value() ||
            !type->is_string() || !values.has_value() || !values->is_object()) {
          builder_.Error("ingest.missing-field", resource.position(),
                         "a resource needs address, type and values");
          builder_.SkipRecord();
          continue;
        }
        resources_.push_back(PlanResource{std::string(address->text()), std::string(type->text()),
                                          *values, std::nullopt, resource.position()});
      }
    }
    if (std::optional<json::Value> children = module->Find("child_modules");
        children.has_value() && children->is_array()) {
      for (const json::Value& child : children->children()) ReadModule(child);
    }
  }

  // The policy at `path` under `value` (whose after_unknown flags are `unknown`), named `name`.
  void FindAt(const PlanResource& r, const PlanPolicyAttribute& attribute, const json::Value& value,
              const std::optional<json::Value>& unknown, const std::string& name,
              std::string_view path, const std::shared_ptr<const std::string>& source,
              std::vector<TemplatePolicy>& out) {
    auto is_true = [](const std::optional<json::Value>& flag) {
      return flag.has_value() && flag->is_bool() && flag->boolean();
    };
    if (is_true(unknown)) {
      builder_.Error("validate.unknown-value", r.position,
                     base::Concat(r.address, ".", name, " (", r.type,
                                  ") is not validated: it is known only after apply (validate the "
                                  "state after apply, or make the policy's inputs known at plan "
                                  "time)"));
      return;
    }
    if (!path.empty()) {
      size_t dot = path.find('.');
      std::string_view member = path.substr(0, dot);
      std::string_view rest =
          dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
      bool list = member.ends_with("[]");
      if (list) member.remove_suffix(2);
      std::optional<json::Value> child = value.is_object() ? value.Find(member) : std::nullopt;
      std::optional<json::Value> child_unknown =
          unknown.has_value() && unknown->is_object() ? unknown->Find(member) : std::nullopt;
      std::string child_name = name.empty() ? std::string(member) : base::Concat(name, ".", member);
      if (is_true(child_unknown) || !list) {
        if (!child.has_value() && !is_true(child_unknown)) return;  // no policy there
        return FindAt(r, attribute, child.value_or(json::Value()), child_unknown, child_name,
                      list ? std::string_view() : rest, source, out);
      }
      if (!child.has_value() || !child->is_array()) return;
      std::vector<json::Value> unknown_elements;
      if (child_unknown.has_value() && child_unknown->is_array()) {
        for (const json::Value& element : child_unknown->children())
          unknown_elements.push_back(element);
      }
      size_t i = 0;
      for (const json::Value& element : child->children()) {
        std::optional<json::Value> element_unknown =
            i < unknown_elements.size() ? std::optional<json::Value>(unknown_elements[i])
                                        : std::nullopt;
        FindAt(r, attribute, element, element_unknown, base::Concat(child_name, "[", i, "]"), rest,
               source, out);
        ++i;
      }
      return;
    }
    if (value.is_null() || (value.is_string() && value.text().empty())) return;  // no policy
    TemplatePolicy policy{
        .resource = r.address,
        .resource_type = r.type,
        .property = name,
        .policy_type = std::string(attribute.policy_type),
        .validate_policy_resource_type = std::string(attribute.validate_policy_resource_type),
        .document = {},
        .position = value.position(),
        .locate = {}};
    if (r.type == "aws_organizations_policy") {
      // Terraform's default type is SERVICE_CONTROL_POLICY.
      std::string type = Attribute(r, "type").value_or("SERVICE_CONTROL_POLICY");
      if (type != "SERVICE_CONTROL_POLICY" && type != "RESOURCE_CONTROL_POLICY") {
        builder_.Note("validate.no-policy-document", r.position,
                      base::Concat(r.address, " is not validated: its type is ", type,
                                   ", not SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY (only "
                                   "those are IAM policies)"));
        return;
      }
      policy.policy_type = type;
    }
    if (value.is_string()) {
      PolicyText text = LiteralPolicyText(value.text(), value.source_text(), value.position());
      policy.document = std::move(text.json);
      policy.locate = std::move(text.locate);
    } else if (value.is_object()) {
      policy.document = std::string(value.source_text());
      base::SourcePosition start = value.position();
      policy.locate = [source, start](uint32_t offset) {
        return json::PositionAt(*source, start.offset + offset);
      };
    } else {
      builder_.Error("validate.wrong-type", value.position(),
                     base::Concat(r.address, ".", name,
                                  " is not validated: a policy must be a JSON string, not ",
                                  json::KindName(value.kind())));
      return;
    }
    out.push_back(std::move(policy));
  }

  const PlanResource* FindResource(std::string_view address) const {
    for (const PlanResource& resource : resources_) {
      if (resource.address == address) return &resource;
    }
    return nullptr;
  }

  static bool IsUnknown(const PlanResource& resource, std::string_view attribute) {
    if (!resource.unknown.has_value()) return false;
    std::optional<json::Value> flag = resource.unknown->Find(attribute);
    return flag.has_value() && flag->is_bool() && flag->boolean();
  }

  // A string attribute: its planned value; when known only after apply, the value of the attribute
  // it references if the plan knows it; otherwise a placeholder (and a note). nullopt when absent.
  std::optional<std::string> Attribute(const PlanResource& resource, std::string_view attribute,
                                       int depth = 0) {
    std::optional<json::Value> value = resource.values.Find(attribute);
    if (value.has_value() && value->is_string()) return std::string(value->text());
    if (!IsUnknown(resource, attribute)) return std::nullopt;
    auto it = references_.find(base::Concat(resource.address, "#", attribute));
    if (it != references_.end() && depth < 4) {
      for (const std::string& reference : it->second) {
        size_t dot = reference.rfind('.');
        if (dot == std::string::npos) continue;
        const PlanResource* target = FindResource(reference.substr(0, dot));
        if (target == nullptr) continue;
        std::string target_attribute = reference.substr(dot + 1);
        if (std::optional<std::string> known = KnownIdentity(*target, target_attribute, depth + 1))
          return known;
      }
    }
    std::string name = it != references_.end() && !it->second.empty()
                           ? it->second.front()
                           : base::Concat(resource.address, ".", attribute);
    builder_.Note(
        "ingest.unknown-value", resource.position,
        base::Concat(resource.address, ".", attribute, " is known only after apply: analyzed as ",
                     Placeholder(name), ", which matches no account of the zone of trust"));
    return Placeholder(name);
  }

  // What `target.attribute` will be when the plan knows the target's name: the id/name/bucket of a
  // resource named in the configuration, or an ARN built from it.
  std::optional<std::string> KnownIdentity(const PlanResource& target, std::string_view attribute,
                                           int depth) {
    std::optional<json::Value> value = target.values.Find(attribute);
    if (value.has_value() && value->is_string()) return std::string(value->text());
    auto known = [&](std::string_view key) -> std::optional<std::string> {
      std::optional<json::Value> v = target.values.Find(key);
      if (v.has_value() && v->is_string()) return std::string(v->text());
      return std::nullopt;
    };
    (void)depth;
    if (target.type == "aws_s3_bucket") {
      std::optional<std::string> bucket = known("bucket");
      if (!bucket.has_value()) return std::nullopt;
      if (attribute == "arn") return base::Concat("arn:", options_.partition, ":s3:::", *bucket);
      if (attribute == "id" || attribute == "bucket") return bucket;
    }
    if (target.type == "aws_sqs_queue" &&
        (attribute == "arn" || attribute == "id" || attribute == "url")) {
      std::optional<std::string> name = known("name");
      if (!name.has_value()) return std::nullopt;
      if (attribute == "arn")
        return base::Concat("arn:", options_.partition, ":sqs:", Region(), ":", Account(), ":",
                            *name);
      return base::Concat("https://sqs.", Region(), ".amazonaws.com/", Account(), "/", *name);
    }
    if ((target.type == "aws_sns_topic" && (attribute == "arn" || attribute == "id"))) {
      std::optional<std::string> name = known("name");
      if (!name.has_value()) return std::nullopt;
      return base::Concat("arn:", options_.partition, ":sns:", Region(), ":", Account(), ":",
                          *name);
    }
    if (target.type == "aws_ecr_repository" && (attribute == "name" || attribute == "id"))
      return known("name");
    if (target.type == "aws_lambda_function" &&
        (attribute == "function_name" || attribute == "id")) {
      return known("function_name");
    }
    if (target.type == "aws_lambda_function" && attribute == "arn") {
      std::optional<std::string> name = known("function_name");
      if (!name.has_value()) return std::nullopt;
      return base::Concat("arn:", options_.partition, ":lambda:", Region(), ":", Account(),
                          ":function:", *name);
    }
    return std::nullopt;
  }

  std::string Account() const { return DefaultAccount(options_); }
  std::string Region() const {
    return options_.region.empty() ? Placeholder("AWS::Region") : options_.region;
  }

  // The `policy` attribute as a configuration member, or nullopt (reported) when it is unknown or
  // bad.
  std::optional<ConfigurationMember> Policy(const PlanResource& resource,
                                            std::string_view attribute, std::string_view member) {
    if (IsUnknown(resource, attribute)) {
      builder_.Error(
          "ingest.unknown-value", resource.position,
          base::Concat(
              resource.address, ".", attribute,
              " is known only after apply: it cannot be analyzed from this plan (analyze the "
              "state after apply, or make the policy's inputs known at plan time)"));
      builder_.SkipRecord();
      return std::nullopt;
    }
    std::optional<json::Value> value = resource.values.Find(attribute);
    if (!value.has_value() || value->is_null() || (value->is_string() && value->text().empty()))
      return std::nullopt;
    std::optional<std::string> json = PolicyMemberJson(
        *value, value->position(), base::Concat(resource.address, ".", attribute), builder_);
    if (!json.has_value()) {
      builder_.SkipRecord();
      return std::nullopt;
    }
    // The policy is a JSON string (or object) in the plan: its statements are found in the file.
    return ConfigurationMember{std::string(member), *json, value->position(),
                               resources::PolicyStatementPositions(*value)};
  }

  std::string BucketArn(const std::string& bucket) {
    return base::Concat("arn:", options_.partition, ":s3:::", bucket);
  }

  void AddCannedAcl(const std::string& arn, std::string_view acl, base::SourcePosition position) {
    // private, bucket-owner-*, aws-exec-read grant nothing outside the account's own use
    std::optional<AclGrants> grants = CannedAclGrants(acl);
    if (grants)
      builder_.AddMember(ResourceType::kS3Bucket, arn, Account(), options_.region,
                         grants->Member(position), false);
  }

  void AddAccessControlPolicy(const PlanResource& resource, const std::string& arn,
                              const json::Value& policies) {
    // access_control_policy = [{grant = [{grantee = [{type, uri, id, email_address}], permission}],
    // owner}]
    AclGrants out;
    for (const json::Value& policy : policies.children()) {
      std::optional<json::Value> grants = policy.is_object() ? policy.Find("grant") : std::nullopt;
      if (!grants.has_value() || !grants->is_array()) continue;
      for (const json::Value& grant : grants->children()) {
        std::optional<json::Value> permission =
            grant.is_object() ? grant.Find("permission") : std::nullopt;
        std::optional<json::Value> grantees =
            grant.is_object() ? grant.Find("grantee") : std::nullopt;
        if (!permission.has_value() || !permission->is_string() || !grantees.has_value() ||
            !grantees->is_array()) {
          builder_.Error(
              "ingest.invalid-value", grant.position(),
              base::Concat(resource.address, ": a grant needs a permission and a grantee"));
          continue;
        }
        for (const json::Value& grantee : grantees->children()) {
          bool added = false;
          for (auto [key, member] : {std::pair<std::string_view, std::string_view>{"uri", "uri"},
                                     {"id", "id"},
                                     {"email_address", "emailAddress"}}) {
            std::optional<json::Value> v = grantee.is_object() ? grantee.Find(key) : std::nullopt;
            if (v.has_value() && v->is_string() && !v->text().empty()) {
              out.Add(permission->text(), member, v->text());
              added = true;
              break;
            }
          }
          if (!added) {
            builder_.Error(
                "ingest.invalid-value", grantee.position(),
                base::Concat(resource.address, ": a grantee needs uri, id or email_address"));
          }
        }
      }
    }
    builder_.AddMember(ResourceType::kS3Bucket, arn, Account(), options_.region,
                       out.Member(policies.position()), false);
  }

  // The permission an aws_lambda_permission or aws_lambda_layer_version_permission declares, the
  // ARN of the function or layer version whose policy it joins, and where its values are written;
  // nullopt when a required attribute is missing (reported).
  struct ReadPermission {
    LambdaPermission permission;
    std::string arn;
    std::vector<std::pair<std::string, base::SourcePosition>> values;
  };
  std::optional<ReadPermission> ReadLambdaPermission(const PlanResource& resource, bool layer) {
    std::string_view target_attribute = layer ? "layer_name" : "function_name";
    std::string function = Attribute(resource, target_attribute).value_or("");
    std::string principal = Attribute(resource, "principal").value_or("");
    std::string action =
        Attribute(resource, "action").value_or(layer ? "lambda:GetLayerVersion" : "");
    if (function.empty() || principal.empty() || action.empty()) {
      builder_.Error(
          "ingest.missing-field", resource.position,
          base::Concat(resource.address, " needs ", target_attribute, ", principal and action"));
      builder_.SkipRecord();
      return std::nullopt;
    }
    std::string arn;
    if (layer) {
      std::optional<json::Value> version = resource.values.Find("version_number");
      std::string number = version.has_value() && (version->is_number() || version->is_string())
                               ? std::string(version->text())
                               : Placeholder(resource.address + ".version_number");
      arn = function.starts_with("arn:")
                ? base::Concat(function, ":", number)
                : base::Concat("arn:", options_.partition, ":lambda:", Region(), ":", Account(),
                               ":layer:", function, ":", number);
    } else {
      arn = function.starts_with("arn:")
                ? function
                : base::Concat("arn:", options_.partition, ":lambda:", Region(), ":", Account(),
                               ":function:", function);
    }
    std::string statement_resource = arn;
    if (std::optional<std::string> qualifier = Attribute(resource, "qualifier");
        qualifier && !qualifier->empty()) {
      statement_resource += ":" + *qualifier;
    }
    auto position = [&](std::string_view attribute) {
      std::optional<json::Value> value = resource.values.Find(attribute);
      return value.has_value() ? value->position() : resource.position;
    };
    ReadPermission read{
        .permission = LambdaPermission{.target = layer ? LambdaPermission::Target::kLayerVersion
                                                       : LambdaPermission::Target::kFunction,
                                       .sid = Attribute(resource, "statement_id").value_or(""),
                                       .principal = principal,
                                       .action = action,
                                       .resource = statement_resource},
        .arn = arn,
        .values = {{principal, position("principal")},
                   {action, position("action")},
                   {statement_resource, position(target_attribute)}}};
    for (const LambdaPermissionCondition& condition :
         LambdaPermissionConditions(read.permission.target)) {
      std::string value = Attribute(resource, condition.terraform_attribute).value_or("");
      if (!value.empty()) read.values.emplace_back(value, position(condition.terraform_attribute));
      read.permission.*condition.value = std::move(value);
    }
    return read;
  }

  void ConvertLambdaPermission(const PlanResource& resource, bool layer) {
    std::optional<ReadPermission> read = ReadLambdaPermission(resource, layer);
    if (!read) return;
    std::optional<json::Value> at = resource.values.Find(layer ? "layer_name" : "function_name");
    const std::string& arn = read->arn;
    AddLambdaPermission(read->permission, arn,
                        ArnAccount(arn).empty() ? Account() : ArnAccount(arn), Region(),
                        at.has_value() ? at->position() : resource.position, builder_);
  }

  // The simple case: one policy attribute on a resource named by one attribute.
  void PolicyResource(const PlanResource& resource, ResourceType type, std::string_view member,
                      const std::string& arn, const std::string& region) {
    std::optional<ConfigurationMember> policy = Policy(resource, "policy", member);
    if (!policy.has_value()) return;
    std::string account = ArnAccount(arn);
    if (account.empty()) account = Account();
    if (type == ResourceType::kKmsKey) policy->json = KmsKeyPolicies(policy->json);
    builder_.AddMember(type, arn, account, type == ResourceType::kIamRole ? "" : region,
                       std::move(*policy), true);
  }

  void ConvertResource(const PlanResource& r) {
    const std::string& t = r.type;
    std::string region = options_.region;
    if (t == "aws_s3_bucket_policy" || t == "aws_s3_bucket") {
      std::string bucket = Attribute(r, "bucket").value_or("");
      if (bucket.empty()) {
        if (t == "aws_s3_bucket")
          return;  // a bucket named by Terraform at apply: its policy is elsewhere
        builder_.Error("ingest.missing-field", r.position,
                       base::Concat(r.address, " has no bucket"));
        builder_.SkipRecord();
        return;
      }
      std::string arn = BucketArn(bucket);
      if (std::optional<ConfigurationMember> policy = Policy(r, "policy", "bucketPolicy")) {
        builder_.AddMember(ResourceType::kS3Bucket, arn, Account(), region, std::move(*policy),
                           true);
      }
      if (t == "aws_s3_bucket") {
        if (std::optional<json::Value> acl = r.values.Find("acl");
            acl.has_value() && acl->is_string()) {
          AddCannedAcl(arn, acl->text(), acl->position());
        }
      }
      return;
    }
    if (t == "aws_s3_bucket_acl") {
      std::string arn =
          BucketArn(Attribute(r, "bucket").value_or(Placeholder(r.address + ".bucket")));
      std::optional<json::Value> policies = r.values.Find("access_control_policy");
      if (policies.has_value() && policies->is_array() && policies->size() > 0) {
        AddAccessControlPolicy(r, arn, *policies);
      } else if (std::optional<json::Value> acl = r.values.Find("acl");
                 acl.has_value() && acl->is_string()) {
        AddCannedAcl(arn, acl->text(), acl->position());
      }
      return;
    }
    if (t == "aws_s3_bucket_public_access_block") {
      std::string arn =
          BucketArn(Attribute(r, "bucket").value_or(Placeholder(r.address + ".bucket")));
      std::string block = "{";
      for (auto [attribute, member] :
           {std::pair<std::string_view, std::string_view>{"block_public_acls", "blockPublicAcls"},
            {"ignore_public_acls", "ignorePublicAcls"},
            {"block_public_policy", "blockPublicPolicy"},
            {"restrict_public_buckets", "restrictPublicBuckets"}}) {
        std::optional<json::Value> v = r.values.Find(attribute);
        // Unknown or absent: the weakest setting, so no access is hidden.
        bool on = v.has_value() && v->is_bool() && v->boolean();
        block += base::Concat(block.size() > 1 ? "," : "", json::Quote(member), ":",
                              on ? "true" : "false");
      }
      block += "}";
      builder_.AddMember(ResourceType::kS3Bucket, arn, Account(), region,
                         ConfigurationMember{"bucketPublicAccessBlock", block, r.position}, false);
      return;
    }
    if (t == "aws_s3_account_public_access_block") {
      resources::AccountSettings settings;
      settings.account_id = Attribute(r, "account_id").value_or(Account());
      resources::S3PublicAccessBlock block;
      auto flag = [&](std::string_view key) {
        std::optional<json::Value> v = r.values.Find(key);
        return v.has_value() && v->is_bool() && v->boolean();
      };
      block.block_public_acls = flag("block_public_acls");
      block.ignore_public_acls = flag("ignore_public_acls");
      block.block_public_policy = flag("block_public_policy");
      block.restrict_public_buckets = flag("restrict_public_buckets");
      settings.s3_public_access_block = block;
      settings.position = r.position;
      builder_.AddAccount(std::move(settings));
      return;
    }
    if (t == "aws_iam_role") {
      std::optional<std::string> arn;
      if (std::optional<json::Value> known = r.values.Find("arn");
          known.has_value() && known->is_string()) {
        arn = std::string(known->text());
      } else {  // the ARN follows from the path and name
        std::string path = Attribute(r, "path").value_or("/");
        std::string name = Attribute(r, "name").value_or(Placeholder(r.address + ".name"));
        arn = base::Concat("arn:", options_.partition, ":iam::", Account(), ":role", path, name);
      }
      std::optional<ConfigurationMember> policy = Policy(r, "assume_role_policy", "trustPolicy");
      if (policy.has_value()) {
        builder_.AddMember(ResourceType::kIamRole, *arn, ArnAccount(*arn), "", std::move(*policy),
                           true);
      }
      return;
    }
    if (t == "aws_kms_key") {
      std::optional<json::Value> arn_value = r.values.Find("arn");
      std::string arn = arn_value.has_value() && arn_value->is_string()
                            ? std::string(arn_value->text())
                            : base::Concat("arn:", options_.partition, ":kms:", Region(), ":",
                                           Account(), ":key/", Placeholder(r.address));
      PolicyResource(r, ResourceType::kKmsKey, kKmsKeyPoliciesMember, arn, Region());
      return;
    }
    if (t == "aws_sqs_queue_policy" || t == "aws_sqs_queue") {
      std::string arn;
      if (t == "aws_sqs_queue") {
        std::optional<json::Value> a = r.values.Find("arn");
        std::string name = Attribute(r, "name").value_or(Placeholder(r.address + ".name"));
        arn = a.has_value() && a->is_string()
                  ? std::string(a->text())
                  : base::Concat("arn:", options_.partition, ":sqs:", Region(), ":", Account(), ":",
                                 name);
      } else {
        std::string url = Attribute(r, "queue_url").value_or(Placeholder(r.address + ".queue_url"));
        arn = QueueArnFromUrl(url);
      }
      PolicyResource(r, ResourceType::kSqsQueue, "queuePolicy", arn, ArnRegion(arn));
      return;
    }
    if (t == "aws_sns_topic_policy" || t == "aws_sns_topic") {
      std::string arn = Attribute(r, "arn").value_or("");
      if (arn.empty() && t == "aws_sns_topic") {
        arn = base::Concat("arn:", options_.partition, ":sns:", Region(), ":", Account(), ":",
                           Attribute(r, "name").value_or(Placeholder(r.address + ".name")));
      }
      PolicyResource(r, ResourceType::kSnsTopic, "topicPolicy", arn, ArnRegion(arn));
      return;
    }
    if (t == "aws_secretsmanager_secret_policy") {
      std::string arn = Attribute(r, "secret_arn").value_or(Placeholder(r.address + ".secret_arn"));
      PolicyResource(r, ResourceType::kSecretsManagerSecret, "secretPolicy", arn, ArnRegion(arn));
      return;
    }
    if (t == "aws_ecr_repository_policy") {
      std::string name =
          Attribute(r, "repository").value_or(Placeholder(r.address + ".repository"));
      std::string arn = base::Concat("arn:", options_.partition, ":ecr:", Region(), ":", Account(),
                                     ":repository/", name);
      PolicyResource(r, ResourceType::kEcrRepository, "repositoryPolicy", arn, Region());
      return;
    }
    if (t == "aws_efs_file_system_policy") {
      std::string id =
          Attribute(r, "file_system_id").value_or(Placeholder(r.address + ".file_system_id"));
      std::string arn = base::Concat("arn:", options_.partition, ":elasticfilesystem:", Region(),
                                     ":", Account(), ":file-system/", id);
      PolicyResource(r, ResourceType::kEfsFileSystem, "fileSystemPolicy", arn, Region());
      return;
    }
    if (t == "aws_dynamodb_resource_policy") {
      std::string arn =
          Attribute(r, "resource_arn").value_or(Placeholder(r.address + ".resource_arn"));
      ResourceType type = arn.find("/stream/") != std::string::npos ? ResourceType::kDynamoDbStream
                                                                    : ResourceType::kDynamoDbTable;
      PolicyResource(r, type,
                     type == ResourceType::kDynamoDbStream ? "streamPolicy" : "tablePolicy", arn,
                     ArnRegion(arn));
      return;
    }
    if (t == "aws_lambda_permission") {
      ConvertLambdaPermission(r, false);
      return;
    }
    if (t == "aws_lambda_layer_version_permission") {
      ConvertLambdaPermission(r, true);
      return;
    }
    ++out_of_scope_[t];
  }

  std::string QueueArnFromUrl(const std::string& url) {
    // https://sqs.<region>.amazonaws.com/<account>/<name>
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
    return base::Concat("arn:", options_.partition, ":sqs:", Region(), ":", Account(), ":", url);
  }

  const IngestOptions& options_;
  InventoryBuilder& builder_;
  std::vector<PlanResource> resources_;
  std::map<std::string, std::vector<std::string>> references_;
  std::map<std::string, size_t> out_of_scope_;
};

}  // namespace

void ConvertTerraformPlan(const json::Value& root, const IngestOptions& options,
                          InventoryBuilder& builder) {
  PlanConverter(options, builder).Convert(root);
}

void FindTerraformPlanPolicies(std::string_view text, const json::Value& root,
                               const IngestOptions& options, InventoryBuilder& builder,
                               std::vector<TemplatePolicy>& out) {
  PlanConverter(options, builder)
      .FindPolicies(root, std::make_shared<const std::string>(text), out);
}

}  // namespace perimeter::ingest::internal
