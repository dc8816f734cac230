// AWS Config configuration items → inventory resources.
//
// Shapes read (AWS Config Developer Guide, "Components of a configuration item" and "Example
// configuration snapshot"; AWS Config API Reference, "ConfigurationItem", "BaseConfigurationItem",
// "SelectResourceConfig"):
// - a snapshot or history file: {"fileVersion", "configurationItems": [item...]};
// - `aws configservice batch-get-resource-config`: {"baseConfigurationItems": [item...]};
// - `aws configservice get-resource-config-history`: {"configurationItems": [item...]};
// - `aws configservice select-resource-config`: {"Results": ["<item as a JSON string>", ...]};
// - a bare item, or an array of items.
// Items spell their identity two ways: "ARN"/"awsAccountId" (snapshots) or "arn"/"accountId" (API);
// `configuration` and each `supplementaryConfiguration` value may be an object or a JSON string.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/converters.h"
#include "perimeter/ingest/internal/kms_key_policy.h"
#include "perimeter/ingest/internal/s3_acl.h"
#include "perimeter/resources/policy_positions.h"
#include "perimeter/resources/resource.h"

namespace perimeter::ingest::internal {
namespace {

using resources::ResourceType;

// A value that may be embedded in a JSON string: the parsed value, and where to report it (the
// outer string, whose inner positions mean nothing to the reader of the file).
struct Embedded {
  std::shared_ptr<json::Document> document;  // set when the value came from a string
  json::Value value;
  base::SourcePosition position;
  bool nested = false;
  // When nested in a string literal of the file itself: that literal, through which places in
  // `document` map back to the file (resources::LocateInStringLiteral).
  std::optional<json::Value> literal = std::nullopt;

  base::SourcePosition At(const json::Value& inner) const {
    return nested ? position : inner.position();
  }
  std::optional<Embedded> Member(std::string_view key) const {
    if (!value.is_object()) return std::nullopt;
    std::optional<json::Value> member = value.Find(key);
    if (!member.has_value()) return std::nullopt;
    return Embedded{document, *member, At(*member), nested, literal};
  }
};

// Where the statements of the policy `policy` holds are in the file: found through the value when
// it is written in the file itself (an object, or a JSON string), or inside a string of the file
// that holds JSON (mapped back through that string's escapes); none when it is nested deeper (the
// policy's member is reported instead).
std::vector<base::SourcePosition> StatementPositions(const Embedded& policy) {
  std::vector<base::SourcePosition> positions = resources::PolicyStatementPositions(policy.value);
  if (!policy.nested) return positions;
  if (!policy.literal.has_value()) return {};
  for (base::SourcePosition& position : positions) {
    position = resources::LocateInStringLiteral(policy.literal->source_text(),
                                                policy.literal->position(), position.offset);
  }
  return positions;
}

// `value` itself, or the JSON inside it when it is a string that holds an object or array.
std::optional<Embedded> Unwrap(const json::Value& value, std::shared_ptr<json::Document> owner,
                               bool nested, base::SourcePosition outer, std::string_view what,
                               InventoryBuilder& builder) {
  base::SourcePosition position = nested ? outer : value.position();
  if (!value.is_string()) return Embedded{std::move(owner), value, position, nested};
  std::string_view text = value.text();
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (text[first] != '{' && text[first] != '[')) {
    return Embedded{std::move(owner), value, position, nested};
  }
  json::ParseResult parsed = json::Parse(std::string(text));
  if (!parsed.ok()) {
    builder.Error("ingest.syntax", position,
                  base::Concat(what, " holds JSON that cannot be read (",
                               base::ToString(parsed.issues[0].position),
                               " in the string): ", parsed.issues[0].message));
    return std::nullopt;
  }
  auto document = std::make_shared<json::Document>(std::move(parsed.document));
  json::Value root = document->root();
  // A string written in the file itself: places inside it can be mapped back.
  std::optional<json::Value> literal = nested ? std::nullopt : std::optional<json::Value>(value);
  return Embedded{std::move(document), root, position, true, literal};
}

std::optional<std::string> StringMember(const json::Value& object,
                                        std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (std::optional<json::Value> value = object.Find(key);
        value.has_value() && value->is_string()) {
      return std::string(value->text());
    }
  }
  return std::nullopt;
}

// Amazon S3 ACL permissions as AWS Config writes them ("FullControl", "Read", ...) in the S3 API's
// spelling ("FULL_CONTROL", "READ", ...).
std::optional<std::string_view> AclPermission(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kPermissions[] = {
      {"FullControl", "FULL_CONTROL"},
      {"Read", "READ"},
      {"Write", "WRITE"},
      {"ReadAcp", "READ_ACP"},
      {"WriteAcp", "WRITE_ACP"},
      {"FULL_CONTROL", "FULL_CONTROL"},
      {"READ", "READ"},
      {"WRITE", "WRITE"},
      {"READ_ACP", "READ_ACP"},
      {"WRITE_ACP", "WRITE_ACP"},
  };
  for (const auto& [config, s3] : kPermissions) {
    if (config == text) return s3;
  }
  return std::nullopt;
}

// AWS Config names a group grantee by its name ("AllUsers") or its URI.
std::optional<std::string_view> GroupUri(std::string_view name) {
  if (name.starts_with("http://acs.amazonaws.com/groups/")) return name;
  return S3GroupUri(name);
}

class ConfigConverter {
 public:
  ConfigConverter(const IngestOptions& options, InventoryBuilder& builder)
      : options_(options), builder_(builder) {}

  void ConvertRoot(const json::Value& root) {
    if (root.is_array()) {
      ConvertItems(root, nullptr);
      Finish();
      return;
    }
    if (!root.is_object()) {
      builder_.Error("ingest.wrong-type", root.position(),
                     "an AWS Config file must be a JSON object or array");
      return;
    }
    bool found = false;
    for (std::string_view key :
         {"configurationItems", "ConfigurationItems", "baseConfigurationItems"}) {
      if (std::optional<json::Value> items = root.Find(key)) {
        found = true;
        if (!items->is_array()) {
          builder_.Error("ingest.wrong-type", items->position(),
                         base::Concat(key, " must be an array"));
          continue;
        }
        ConvertItems(*items, nullptr);
      }
    }
    if (std::optional<json::Value> results = root.Find("Results")) {
      found = true;
      if (!results->is_array()) {
        builder_.Error("ingest.wrong-type", results->position(), "Results must be an array");
      } else {
        ConvertItems(*results, "Results");
      }
    }
    if (!found) ConvertItem(Embedded{nullptr, root, root.position(), false});
    Finish();
  }

 private:
  void ConvertItems(const json::Value& items, const char* results) {
    size_t index = 0;
    for (const json::Value& element : items.children()) {
      std::string what = base::Concat(results ? results : "configuration item", "[", index++, "]");
      std::optional<Embedded> item =
          Unwrap(element, nullptr, false, element.position(), what, builder_);
      if (!item.has_value()) {
        builder_.CountRecord();
        builder_.SkipRecord();
        continue;
      }
      ConvertItem(*item);
    }
  }

  void ConvertItem(const Embedded& item) {
    builder_.CountRecord();
    base::SourcePosition at = item.position;
    if (!item.value.is_object()) {
      builder_.Error("ingest.wrong-type", at, "a configuration item must be an object");
      builder_.SkipRecord();
      return;
    }
    std::optional<std::string> type = StringMember(item.value, {"resourceType", "ResourceType"});
    if (!type.has_value()) {
      builder_.Error("ingest.missing-field", at, "the configuration item has no resourceType");
      builder_.SkipRecord();
      return;
    }
    std::optional<std::string> status = StringMember(item.value, {"configurationItemStatus"});
    if (status.has_value() && (*status == "ResourceDeleted" || *status == "ResourceNotRecorded" ||
                               *status == "ResourceDeletedNotRecorded")) {
      Skip(at, base::Concat(*type, " (", *status, ")"));
      return;
    }
    std::string arn = StringMember(item.value, {"ARN", "arn"}).value_or("");
    std::string account = StringMember(item.value, {"awsAccountId", "accountId"}).value_or("");
    std::string region = StringMember(item.value, {"awsRegion"}).value_or("");
    std::string name = StringMember(item.value, {"resourceName", "resourceId"}).value_or("");
    std::optional<Embedded> configuration;
    if (std::optional<Embedded> member = item.Member("configuration")) {
      configuration = Unwrap(member->value, member->document, member->nested, member->position,
                             "configuration", builder_);
      if (!configuration.has_value()) {
        builder_.SkipRecord();
        return;
      }
    }
    std::map<std::string, Embedded, std::less<>> supplementary;
    if (std::optional<Embedded> member = item.Member("supplementaryConfiguration");
        member.has_value() && member->value.is_object()) {
      for (const json::Value& entry : member->value.members()) {
        std::optional<Embedded> value =
            Unwrap(entry, member->document, member->nested, member->At(entry),
                   base::Concat("supplementaryConfiguration.", entry.key()), builder_);
        if (!value.has_value()) {
          builder_.SkipRecord();
          return;
        }
        supplementary.emplace(std::string(entry.key()), std::move(*value));
      }
    }
    if (*type == "AWS::S3::AccountPublicAccessBlock") {
      AccountBlock(account, configuration, at);
      return;
    }
    if (*type == "AWS::S3::Bucket") {
      if (arn.empty()) arn = base::Concat("arn:", options_.partition, ":s3:::", name);
      S3Bucket(arn, account, region, supplementary, at);
      return;
    }
    struct PolicyType {
      std::string_view config_type;
      ResourceType type;
      std::string_view member;
      std::initializer_list<std::string_view>
          fields;  // in configuration, then supplementaryConfiguration
    };
    static const PolicyType kTypes[] = {
        {"AWS::IAM::Role",
         ResourceType::kIamRole,
         "trustPolicy",
         {"assumeRolePolicyDocument", "AssumeRolePolicyDocument"}},
        {"AWS::KMS::Key",
         ResourceType::kKmsKey,
         kKmsKeyPoliciesMember,
         {"KeyPolicy", "keyPolicy", "Policy", "policy"}},
        {"AWS::SQS::Queue", ResourceType::kSqsQueue, "queuePolicy", {"Policy", "policy"}},
        {"AWS::SNS::Topic", ResourceType::kSnsTopic, "topicPolicy", {"Policy", "policy"}},
        {"AWS::Lambda::Function",
         ResourceType::kLambdaFunction,
         "functionPolicy",
         {"Policy", "policy"}},
        {"AWS::SecretsManager::Secret",
         ResourceType::kSecretsManagerSecret,
         "secretPolicy",
         {"ResourcePolicy", "resourcePolicy", "Policy"}},
        {"AWS::ECR::Repository",
         ResourceType::kEcrRepository,
         "repositoryPolicy",
         {"RepositoryPolicyText", "repositoryPolicyText"}},
        {"AWS::EFS::FileSystem",
         ResourceType::kEfsFileSystem,
         "fileSystemPolicy",
         {"FileSystemPolicy", "fileSystemPolicy"}},
        {"AWS::DynamoDB::Table",
         ResourceType::kDynamoDbTable,
         "tablePolicy",
         {"ResourcePolicy", "resourcePolicy"}},
    };
    for (const PolicyType& policy_type : kTypes) {
      if (policy_type.config_type != *type) continue;
      std::optional<Embedded> policy;
      std::string field;
      for (std::string_view key : policy_type.fields) {
        if (configuration.has_value() && (policy = configuration->Member(key))) {
          field = base::Concat("configuration.", key);
          break;
        }
        if (auto it = supplementary.find(key); it != supplementary.end()) {
          policy = it->second;
          field = base::Concat("supplementaryConfiguration.", key);
          break;
        }
      }
      if (!policy.has_value()) {
        Note("ingest.not-recorded", at,
             base::Concat(*type, " ", arn, ": the item does not carry its policy (none of ",
                          base::Concat(*policy_type.fields.begin()), ", ...): not analyzed"));
        return;
      }
      // CloudFormation-shaped resource policies nest the document: {"PolicyDocument": {...}}.
      if (std::optional<Embedded> document = policy->Member("PolicyDocument")) policy = document;
      std::optional<std::string> json =
          PolicyMemberJson(policy->value, policy->position, field, builder_);
      if (!json.has_value()) {
        builder_.SkipRecord();
        return;
      }
      if (arn.empty()) {
        builder_.Error("ingest.missing-field", at, base::Concat("the ", *type, " item has no ARN"));
        builder_.SkipRecord();
        return;
      }
      std::string owner = account.empty() ? ArnAccount(arn) : account;
      if (policy_type.type == ResourceType::kKmsKey) json = KmsKeyPolicies(*json);
      builder_.AddMember(policy_type.type, arn, owner,
                         policy_type.type == ResourceType::kIamRole ? "" : region,
                         ConfigurationMember{std::string(policy_type.member), *json,
                                             policy->position, StatementPositions(*policy)},
                         true);
      return;
    }
    Skip(at, *type);
  }

  void S3Bucket(const std::string& arn, const std::string& account, const std::string& region,
                const std::map<std::string, Embedded, std::less<>>& supplementary,
                base::SourcePosition at) {
    bool any = false;
    if (auto it = supplementary.find("BucketPolicy"); it != supplementary.end()) {
      std::optional<Embedded> text = it->second.Member("policyText");
      if (text.has_value()) {
        std::optional<std::string> json =
            PolicyMemberJson(text->value, text->position, "BucketPolicy.policyText", builder_);
        if (!json.has_value()) {
          builder_.SkipRecord();
          return;
        }
        builder_.AddMember(
            ResourceType::kS3Bucket, arn, account, region,
            ConfigurationMember{"bucketPolicy", *json, text->position, StatementPositions(*text)},
            true);
        any = true;
      }
    }
    if (auto it = supplementary.find("AccessControlList"); it != supplementary.end()) {
      if (!S3Acl(arn, account, region, it->second)) {
        builder_.SkipRecord();
        return;
      }
      any = true;
    }
    if (auto it = supplementary.find("PublicAccessBlockConfiguration"); it != supplementary.end()) {
      std::string block = BlockJson(it->second);
      builder_.AddMember(ResourceType::kS3Bucket, arn, account, region,
                         ConfigurationMember{"bucketPublicAccessBlock", block, it->second.position},
                         false);
      any = true;
    }
    if (!any) {
      Note("ingest.not-recorded", at,
           base::Concat(
               "AWS::S3::Bucket ", arn,
               ": the item carries neither BucketPolicy nor AccessControlList: not analyzed"));
    }
  }

  std::string BlockJson(const Embedded& block) {
    std::string out = "{";
    bool first = true;
    for (std::string_view key :
         {"blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"}) {
      std::optional<json::Value> value =
          block.value.is_object() ? block.value.Find(key) : std::nullopt;
      bool on = value.has_value() && value->is_bool() && value->boolean();
      if (value.has_value() && !value->is_bool()) {
        builder_.Error("ingest.wrong-type", block.At(*value),
                       base::Concat(key, " must be true or false"));
      }
      out += base::Concat(first ? "" : ",", json::Quote(key), ":", on ? "true" : "false");
      first = false;
    }
    return out + "}";
  }

  bool S3Acl(const std::string& arn, const std::string& account, const std::string& region,
             const Embedded& acl) {
    std::optional<Embedded> grants = acl.Member("grantList");
    AclGrants out;
    if (grants.has_value() && grants->value.is_array()) {
      for (const json::Value& grant : grants->value.children()) {
        base::SourcePosition at = acl.At(grant);
        std::optional<json::Value> grantee =
            grant.is_object() ? grant.Find("grantee") : std::nullopt;
        std::optional<std::string> permission =
            grant.is_object() ? StringMember(grant, {"permission"}) : std::nullopt;
        std::optional<std::string_view> s3_permission =
            permission.has_value() ? AclPermission(*permission) : std::nullopt;
        if (!grantee.has_value() || !s3_permission.has_value()) {
          builder_.Error("ingest.invalid-value", at,
                         base::Concat("AccessControlList grant of ", arn,
                                      " has no grantee or an unknown permission"));
          return false;
        }
        if (grantee->is_string()) {
          std::optional<std::string_view> uri = GroupUri(grantee->text());
          if (!uri.has_value()) {
            builder_.Error("ingest.invalid-value", at,
                           base::Concat("AccessControlList grantee \"", grantee->text(),
                                        "\" is not an S3 group"));
            return false;
          }
          out.Add(*s3_permission, "uri", *uri);
        } else if (grantee->is_object()) {
          std::optional<std::string> id = StringMember(*grantee, {"id"});
          std::optional<std::string> identifier = StringMember(*grantee, {"identifier"});
          std::string type = StringMember(*grantee, {"typeIdentifier"}).value_or("id");
          if (id.has_value()) {
            out.Add(*s3_permission, "id", *id);
          } else if (identifier.has_value() &&
                     (type == "id" || type == "emailAddress" || type == "uri")) {
            out.Add(*s3_permission, type, *identifier);
          } else {
            builder_.Error("ingest.invalid-value", at, "AccessControlList grantee has no id");
            return false;
          }
        } else {
          builder_.Error("ingest.wrong-type", at,
                         "AccessControlList grantee must be a string or an object");
          return false;
        }
      }
    }
    builder_.AddMember(ResourceType::kS3Bucket, arn, account, region, out.Member(acl.position),
                       false);
    if (std::optional<Embedded> owner = acl.Member("owner");
        owner.has_value() && owner->value.is_object()) {
      if (std::optional<std::string> id = StringMember(owner->value, {"id"})) {
        builder_.AddMember(
            ResourceType::kS3Bucket, arn, account, region,
            ConfigurationMember{"ownerCanonicalId", json::Quote(*id), owner->position}, false);
      }
    }
    return true;
  }

  void AccountBlock(const std::string& account, const std::optional<Embedded>& configuration,
                    base::SourcePosition at) {
    if (!configuration.has_value() || !configuration->value.is_object()) {
      builder_.Error("ingest.missing-field", at,
                     "AWS::S3::AccountPublicAccessBlock has no configuration");
      builder_.SkipRecord();
      return;
    }
    resources::AccountSettings settings;
    settings.account_id = account;
    resources::S3PublicAccessBlock block;
    auto flag = [&](std::string_view key) {
      std::optional<json::Value> value = configuration->value.Find(key);
      return value.has_value() && value->is_bool() && value->boolean();
    };
    block.block_public_acls = flag("blockPublicAcls");
    block.ignore_public_acls = flag("ignorePublicAcls");
    block.block_public_policy = flag("blockPublicPolicy");
    block.restrict_public_buckets = flag("restrictPublicBuckets");
    settings.s3_public_access_block = block;
    settings.position = at;
    builder_.AddAccount(std::move(settings));
  }

  void Skip(base::SourcePosition at, std::string type) {
    auto [it, inserted] =
        skipped_types_.try_emplace(std::move(type), std::make_pair(size_t{0}, at));
    ++it->second.first;
  }

  void Note(std::string_view code, base::SourcePosition at, std::string message) {
    builder_.Note(code, at, std::move(message));
  }

  void Finish() {
    for (const auto& [type, count_at] : skipped_types_) {
      builder_.Note(
          "ingest.out-of-scope", count_at.second,
          base::Concat(
              count_at.first, " configuration item", count_at.first == 1 ? "" : "s", " of type ",
              type, " skipped: not a resource type Access Analyzer analyzes for external access"));
    }
  }

  const IngestOptions& options_;
  InventoryBuilder& builder_;
  std::map<std::string, std::pair<size_t, base::SourcePosition>> skipped_types_;
};

}  // namespace

void ConvertAwsConfig(const json::Value& root, const IngestOptions& options,
                      InventoryBuilder& builder) {
  ConfigConverter(options, builder).ConvertRoot(root);
}

}  // namespace perimeter::ingest::internal
