#include "perimeter/testing/corpus_generator.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>

#include "perimeter/json/writer.h"
#include "perimeter/testing/internal/common_shapes.h"
#include "perimeter/testing/internal/policy_document.h"
#include "perimeter/testing/internal/record_builder.h"
#include "perimeter/testing/internal/type_policies.h"

namespace perimeter::corpus {

using resources::ResourceType;

// ---- Randomness
// ------------------------------------------------------------------------------------------

CorpusRandom CorpusRandom::ForRecord(uint64_t seed, uint64_t index) {
  // Two splitmix64 steps mix the seed and the index into independent starting states.
  CorpusRandom mixer(seed);
  uint64_t base = mixer.Next();
  CorpusRandom stream(base ^ (index * 0xd1b54a32d192ed03ULL));
  stream.Next();
  return stream;
}

uint64_t CorpusRandom::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t CorpusRandom::Below(uint64_t n) {
  // Reject the top partial block of 2^64 so that every residue is equally likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x = Next();
  while (x >= limit) x = Next();
  return x % n;
}

int64_t CorpusRandom::Between(int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
}

std::string CorpusRandom::Chars(size_t n, std::string_view alphabet) {
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(alphabet[Below(alphabet.size())]);
  return out;
}

// ---- Names
// -----------------------------------------------------------------------------------------------

namespace {

struct TypeEntry {
  ResourceType type;
  int weight;  // relative frequency in a corpus of every type
};

// Policy types dominate, as they do in real accounts and in Access Analyzer's findings.
constexpr TypeEntry kTypes[] = {
    {ResourceType::kS3Bucket, 22},
    {ResourceType::kS3ExpressDirectoryBucket, 3},
    {ResourceType::kIamRole, 22},
    {ResourceType::kKmsKey, 11},
    {ResourceType::kLambdaFunction, 11},
    {ResourceType::kLambdaLayerVersion, 2},
    {ResourceType::kSqsQueue, 9},
    {ResourceType::kSnsTopic, 7},
    {ResourceType::kSecretsManagerSecret, 7},
    {ResourceType::kEcrRepository, 3},
    {ResourceType::kEfsFileSystem, 2},
    {ResourceType::kDynamoDbTable, 3},
    {ResourceType::kDynamoDbStream, 1},
    {ResourceType::kEbsSnapshot, 2},
    {ResourceType::kRdsDbSnapshot, 2},
    {ResourceType::kRdsDbClusterSnapshot, 1},
};

const TypeEntry& EntryOf(ResourceType type) {
  for (const TypeEntry& entry : kTypes) {
    if (entry.type == type) return entry;
  }
  return kTypes[0];  // not reached: kTypes lists every enumerator
}

constexpr std::pair<CorpusShapeFamily, std::string_view> kFamilies[] = {
    {CorpusShapeFamily::kOrgPaths, "org-paths"},
    {CorpusShapeFamily::kArnWildcards, "arn-wildcards"},
    {CorpusShapeFamily::kResourceAccount, "resource-account"},
    {CorpusShapeFamily::kFederated, "federated"},
    {CorpusShapeFamily::kArnNonArnValues, "arn-non-arn-values"},
    {CorpusShapeFamily::kPolicyVariables, "policy-variables"},
};

}  // namespace

std::optional<ResourceType> ParseCorpusResourceType(std::string_view name) {
  for (const TypeEntry& entry : kTypes) {
    if (resources::ResourceTypeName(entry.type) == name) return entry.type;
  }
  return std::nullopt;
}

const std::vector<ResourceType>& AllCorpusResourceTypes() {
  static const std::vector<ResourceType> kAll = [] {
    std::vector<ResourceType> all;
    for (const TypeEntry& entry : kTypes) all.push_back(entry.type);
    return all;
  }();
  return kAll;
}

const std::vector<ResourceType>& PolicyCorpusResourceTypes() {
  static const std::vector<ResourceType> kPolicyTypes = {ResourceType::kS3Bucket,
                                                         ResourceType::kIamRole,
                                                         ResourceType::kKmsKey,
                                                         ResourceType::kLambdaFunction,
                                                         ResourceType::kSqsQueue,
                                                         ResourceType::kSnsTopic,
                                                         ResourceType::kSecretsManagerSecret};
  return kPolicyTypes;
}

std::string_view CorpusShapeFamilyName(CorpusShapeFamily family) {
  for (const auto& [f, name] : kFamilies) {
    if (f == family) return name;
  }
  return "";
}

std::optional<CorpusShapeFamily> ParseCorpusShapeFamily(std::string_view name) {
  for (const auto& [family, text] : kFamilies) {
    if (text == name) return family;
  }
  return std::nullopt;
}

const std::vector<CorpusShapeFamily>& AllCorpusShapeFamilies() {
  static const std::vector<CorpusShapeFamily> kAll = [] {
    std::vector<CorpusShapeFamily> all;
    for (const auto& [family, name] : kFamilies) all.push_back(family);
    return all;
  }();
  return kAll;
}

std::vector<CorpusAccount> CorpusOrganizationAccounts(const CorpusOptions& options) {
  std::vector<CorpusAccount> accounts;
  const std::string root = options.organization_id + "/r-ab12/";
  accounts.push_back({options.zone_account, root + "ou-ab12-00000001/"});
  size_t n = 0;
  for (const std::string& member : options.members) {
    if (member == options.zone_account) continue;
    ++n;
    // Every other member sits in a nested OU (workloads/prod), so paths of two depths exist.
    std::string path =
        n % 2 == 1 ? root + "ou-ab12-0000000" + std::to_string(n + 1) + "/"
                   : root + "ou-ab12-00000002/ou-ab12-0000000" + std::to_string(n + 1) + "/";
    accounts.push_back({member, path});
  }
  return accounts;
}

namespace {

using internal::Access;
using internal::BucketPolicy;
using internal::Builder;
using internal::Cat;
using internal::Condition;
using internal::Finish;
using internal::FunctionPolicy;
using internal::kEnvironments;
using internal::KeyPolicy;
using internal::kS3Read;
using internal::Policy;
using internal::PublicConditions;
using internal::QueuePolicy;
using internal::SecretPolicy;
using internal::SimpleGrantPolicy;
using internal::Statement;
using internal::TopicPolicy;
using internal::TrustPolicy;
using internal::Values;
using internal::WritePolicy;

// ---- Records
// ---------------------------------------------------------------------------------------------

// The inventory member name of each type (docs/inventory.md).
std::string_view MemberOf(ResourceType type) {
  switch (type) {
    case ResourceType::kS3Bucket:
      return "s3Bucket";
    case ResourceType::kS3ExpressDirectoryBucket:
      return "s3ExpressDirectoryBucket";
    case ResourceType::kIamRole:
      return "iamRole";
    case ResourceType::kKmsKey:
      return "kmsKey";
    case ResourceType::kLambdaFunction:
      return "lambdaFunction";
    case ResourceType::kLambdaLayerVersion:
      return "lambdaLayerVersion";
    case ResourceType::kSqsQueue:
      return "sqsQueue";
    case ResourceType::kSnsTopic:
      return "snsTopic";
    case ResourceType::kSecretsManagerSecret:
      return "secretsManagerSecret";
    case ResourceType::kEcrRepository:
      return "ecrRepository";
    case ResourceType::kEfsFileSystem:
      return "efsFileSystem";
    case ResourceType::kDynamoDbTable:
      return "dynamodbTable";
    case ResourceType::kDynamoDbStream:
      return "dynamodbStream";
    case ResourceType::kEbsSnapshot:
      return "ebsSnapshot";
    case ResourceType::kRdsDbSnapshot:
      return "rdsDbSnapshot";
    case ResourceType::kRdsDbClusterSnapshot:
      return "rdsDbClusterSnapshot";
  }
  return "";
}

// A policy in the inventory: usually a JSON string as AWS returns it, sometimes the object itself.
void WriteInventoryPolicy(Builder& b, json::Writer& w, std::string_view key,
                          const std::string& policy) {
  w.Key(key);
  if (b.r.Percent(10)) {
    w.Raw(policy);
  } else {
    w.String(policy);
  }
}

std::string KmsKeyArn(Builder& b) {
  return "arn:aws:kms:" + b.Region() + ":" + b.Account() + ":key/" + b.Uuid();
}

void WriteBucketExtras(Builder& b, json::Writer& w, const std::string& name) {
  if (b.r.Percent(30)) {
    b.Label("s3:acl");
    std::string owner = b.CanonicalUser();
    w.Key("ownerCanonicalId").String(owner);
    w.Key("bucketAclGrants").BeginArray();
    w.BeginObject()
        .Key("permission")
        .String("FULL_CONTROL")
        .Key("grantee")
        .BeginObject()
        .Key("id")
        .String(owner)
        .EndObject()
        .EndObject();
    int64_t n = b.r.Between(0, 2);
    for (int64_t i = 0; i < n; ++i) {
      std::string permission(b.r.Pick({"READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL"}));
      w.BeginObject().Key("permission").String(permission).Key("grantee").BeginObject();
      switch (b.r.Below(5)) {
        case 0:
          b.Label("s3:acl-all-users");
          w.Key("uri").String("http://acs.amazonaws.com/groups/global/AllUsers");
          break;
        case 1:
          b.Label("s3:acl-authenticated-users");
          w.Key("uri").String("http://acs.amazonaws.com/groups/global/AuthenticatedUsers");
          break;
        case 2:
          w.Key("uri").String("http://acs.amazonaws.com/groups/s3/LogDelivery");
          break;
        case 3:
          w.Key("id").String(b.CanonicalUser());
          break;
        default:
          w.Key("emailAddress").String("partner@example.com");
          break;
      }
      w.EndObject().EndObject();
    }
    w.EndArray();
  }
  if (b.r.Percent(30)) {
    b.Label("s3:bucket-public-access-block");
    w.Key("bucketPublicAccessBlock").BeginObject();
    w.Key("ignorePublicAcls")
        .Bool(b.r.Percent(50))
        .Key("restrictPublicBuckets")
        .Bool(b.r.Percent(50));
    if (b.r.Percent(50))
      w.Key("blockPublicAcls").Bool(b.r.Percent(50)).Key("blockPublicPolicy").Bool(b.r.Percent(50));
    w.EndObject();
  }
  if (b.r.Percent(15)) {
    b.Label("s3:access-points");
    w.Key("accessPoints").BeginObject();
    int64_t n = b.r.Between(1, 2);
    for (int64_t i = 0; i < n; ++i) {
      std::string point = "arn:aws:s3:" + b.Region() + ":" + b.Account() + ":accesspoint/" +
                          name.substr(0, 20) + "-ap" + std::to_string(i);
      w.Key(point).BeginObject();
      if (b.r.Percent(40)) {
        w.Key("publicAccessBlock")
            .BeginObject()
            .Key("ignorePublicAcls")
            .Bool(false)
            .Key("restrictPublicBuckets")
            .Bool(b.r.Percent(30))
            .EndObject();
      }
      w.Key("networkOrigin").BeginObject();
      if (b.r.Percent(40)) {
        w.Key("vpcConfiguration").BeginObject().Key("vpcId").String(b.Vpc()).EndObject();
      } else {
        w.Key("internetConfiguration").BeginObject().EndObject();
      }
      w.EndObject();
      if (b.r.Percent(85)) {
        Access access{b.Many(kS3Read), b.One(point + "/object/*")};
        std::vector<Statement> s;
        b.Choose({
            {4, true,
             [&] {
               s.push_back(
                   b.Make({"AllowPartner", false, b.Aws({b.AccountPrincipal(b.CrossAccount())}),
                           access.actions, access.resources}));
             }},
            {3, true,
             [&] {
               s.push_back(b.Make({"AllowConditioned", false, b.Star(), access.actions,
                                   access.resources, PublicConditions(b)}));
             }},
            {2, true,
             [&] {
               s.push_back(b.Make({"AllowOwnerRole", false, b.Aws({b.RoleArn(b.Account())}),
                                   access.actions, access.resources}));
             }},
            {1, true,
             [&] {
               s.push_back(
                   b.Make({"AllowAnyone", false, b.Star(), access.actions, access.resources}));
             }},
        });
        WriteInventoryPolicy(b, w, "accessPointPolicy",
                             WritePolicy(Finish(b, std::move(s), 0, std::nullopt)));
      }
      w.EndObject();
    }
    w.EndObject();
  }
}

ResourceType DrawType(Builder& b, const std::vector<ResourceType>& types) {
  const std::vector<ResourceType>& from = types.empty() ? AllCorpusResourceTypes() : types;
  int64_t total = 0;
  for (ResourceType t : from) total += EntryOf(t).weight;
  int64_t x = static_cast<int64_t>(b.r.Below(static_cast<uint64_t>(total)));
  for (ResourceType t : from) {
    if (x < EntryOf(t).weight) return t;
    x -= EntryOf(t).weight;
  }
  return from.back();
}

}  // namespace

CorpusRecord GenerateCorpusRecord(const CorpusOptions& options, uint64_t index) {
  Builder b(options, index);
  CorpusRecord record;
  record.type = DrawType(b, options.types);
  record.account = options.zone_account;
  record.region = options.region;
  const std::string name = b.Name();
  const std::string& a = options.zone_account;
  const std::string& region = options.region;
  json::Writer w;  // the configuration member's body
  w.BeginObject();
  switch (record.type) {
    case ResourceType::kS3Bucket: {
      record.arn = "arn:aws:s3:::" + name;
      if (b.r.Percent(92)) {
        record.policy = WritePolicy(BucketPolicy(b, record.arn));
        WriteInventoryPolicy(b, w, "bucketPolicy", record.policy);
      }
      WriteBucketExtras(b, w, name);
      break;
    }
    case ResourceType::kS3ExpressDirectoryBucket: {
      std::string zone(b.r.Pick({"use1-az4", "use1-az5", "use1-az6"}));
      record.arn =
          "arn:aws:s3express:" + region + ":" + a + ":bucket/" + name + "--" + zone + "--x-s3";
      const Values create = b.One("s3express:CreateSession");
      if (b.r.Percent(50)) {
        // An access point whose grants the bucket policy repeats: the second of the two ways the
        // S3 User Guide gives for an access point's grants to take effect ("Configuring IAM
        // policies for using access points for directory buckets"). The first, delegating with
        // s3express:DataAccessPointAccount, is not drawn: the Service Authorization Reference
        // (Amazon S3 Express) lists no s3express:DataAccessPoint* key for s3express:CreateSession,
        // so ValidatePolicy reports that condition (UNSUPPORTED_ACTION_FOR_CONDITION_KEY).
        b.Label("s3express:access-point-grants-in-bucket-policy");
        w.Key("accessPoints").BeginObject();
        std::string point = "arn:aws:s3express:" + region + ":" + a + ":accesspoint/" +
                            name.substr(0, 16) + "--" + zone + "--xa-s3";
        w.Key(point).BeginObject();
        w.Key("networkOrigin").BeginObject();
        if (b.r.Percent(50)) {
          w.Key("vpcConfiguration").BeginObject().Key("vpcId").String(b.Vpc()).EndObject();
        } else {
          w.Key("internetConfiguration").BeginObject().EndObject();
        }
        w.EndObject();
        Policy point_policy = SimpleGrantPolicy(b, "s3express-access-point", create, b.One(point));
        WriteInventoryPolicy(b, w, "accessPointPolicy", WritePolicy(point_policy));
        w.EndObject().EndObject();
        Policy p = point_policy;
        for (Statement& statement : p.statements) {
          if (statement.resources.has_value()) statement.resources->items = {record.arn};
        }
        record.policy = WritePolicy(p);
        // The bucket policy comes after the access points in this record; the reader takes members
        // in any order.
        WriteInventoryPolicy(b, w, "bucketPolicy", record.policy);
      } else {
        record.policy = WritePolicy(SimpleGrantPolicy(b, "s3express", create, b.One(record.arn)));
        WriteInventoryPolicy(b, w, "bucketPolicy", record.policy);
      }
      break;
    }
    case ResourceType::kIamRole:
      record.arn = "arn:aws:iam::" + a + ":role/" + name;
      record.region.clear();
      record.policy = WritePolicy(TrustPolicy(b));
      WriteInventoryPolicy(b, w, "trustPolicy", record.policy);
      break;
    case ResourceType::kKmsKey: {
      record.arn = KmsKeyArn(b);
      record.policy = WritePolicy(KeyPolicy(b));
      w.Key("keyPolicies").BeginObject();
      WriteInventoryPolicy(b, w, "default", record.policy);
      w.EndObject();
      if (b.r.Percent(30)) {
        b.Label("kms:grants");
        w.Key("grants").BeginArray();
        int64_t n = b.r.Between(1, 3);
        for (int64_t i = 0; i < n; ++i) {
          w.BeginObject();
          w.Key("operations")
              .StringArray(b.Some({"Decrypt", "Encrypt", "GenerateDataKey", "ReEncryptFrom",
                                   "CreateGrant", "RetireGrant", "DescribeKey"},
                                  1, 3));
          std::string grantee;
          switch (b.r.Below(4)) {
            case 0:
              grantee = b.RoleArn(a);
              break;
            case 1:
              grantee = b.AccountPrincipal(b.CrossAccount());
              break;
            case 2:
              grantee = b.RoleArn(b.ExternalAccount());
              break;
            default:
              grantee = std::string(b.r.Pick({"dynamodb", "rds", "ec2"})) + "." + region +
                        ".amazonaws.com";
              break;
          }
          w.Key("granteePrincipal").String(grantee);
          if (b.r.Percent(25))
            w.Key("retiringPrincipal").String(b.AccountPrincipal(b.CrossAccount()));
          w.Key("issuingAccount").String(a);
          if (b.r.Percent(25)) {
            w.Key("constraints")
                .BeginObject()
                .Key("encryptionContextEquals")
                .BeginObject()
                .Key("Department")
                .String("IT")
                .EndObject()
                .EndObject();
          }
          w.EndObject();
        }
        w.EndArray();
      }
      break;
    }
    case ResourceType::kLambdaFunction:
      record.arn = "arn:aws:lambda:" + region + ":" + a + ":function:" + name;
      record.policy = WritePolicy(FunctionPolicy(b, record.arn));
      WriteInventoryPolicy(b, w, "functionPolicy", record.policy);
      break;
    case ResourceType::kLambdaLayerVersion: {
      record.arn = "arn:aws:lambda:" + region + ":" + a + ":layer:" + name + ":" +
                   std::to_string(b.r.Between(1, 40));
      Values actions = b.One("lambda:GetLayerVersion");
      record.policy = WritePolicy(SimpleGrantPolicy(b, "lambda-layer", actions, b.One(record.arn)));
      WriteInventoryPolicy(b, w, "layerVersionPolicy", record.policy);
      break;
    }
    case ResourceType::kSqsQueue: {
      std::string queue = name + (b.r.Percent(10) ? ".fifo" : "");
      record.arn = "arn:aws:sqs:" + region + ":" + a + ":" + queue;
      record.policy = WritePolicy(QueuePolicy(b, record.arn));
      WriteInventoryPolicy(b, w, "queuePolicy", record.policy);
      break;
    }
    case ResourceType::kSnsTopic:
      record.arn = "arn:aws:sns:" + region + ":" + a + ":" + name;
      record.policy = WritePolicy(TopicPolicy(b, record.arn));
      WriteInventoryPolicy(b, w, "topicPolicy", record.policy);
      break;
    case ResourceType::kSecretsManagerSecret:
      record.arn =
          Cat({"arn:aws:secretsmanager:", region, ":", a, ":secret:", b.r.Pick(kEnvironments), "/",
               name, "-",
               b.r.Chars(6, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")});
      record.policy = WritePolicy(SecretPolicy(b));
      WriteInventoryPolicy(b, w, "secretPolicy", record.policy);
      if (b.r.Percent(30)) w.Key("kmsKeyId").String(KmsKeyArn(b));
      break;
    case ResourceType::kEcrRepository: {
      record.arn = "arn:aws:ecr:" + region + ":" + a + ":repository/" + name;
      Values pull = b.Many(
          {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"});
      // ECR repository policies usually omit Resource (the policy is attached to the repository).
      record.policy = WritePolicy(SimpleGrantPolicy(b, "ecr", pull, b.One(record.arn)));
      WriteInventoryPolicy(b, w, "repositoryPolicy", record.policy);
      break;
    }
    case ResourceType::kEfsFileSystem: {
      record.arn =
          "arn:aws:elasticfilesystem:" + region + ":" + a + ":file-system/fs-" + b.r.Hex(8);
      Values mount =
          b.Many(b.Some({"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
                         "elasticfilesystem:ClientRootAccess"},
                        1, 3));
      record.policy = WritePolicy(SimpleGrantPolicy(
          b, "efs", mount, b.One(record.arn),
          {Condition{
              "Bool", "elasticfilesystem:AccessedViaMountTarget", {{"true"}, false}, false}}));
      WriteInventoryPolicy(b, w, "fileSystemPolicy", record.policy);
      break;
    }
    case ResourceType::kDynamoDbTable: {
      record.arn = "arn:aws:dynamodb:" + region + ":" + a + ":table/" + name;
      Values actions = b.Many(b.Some({"dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan",
                                      "dynamodb:PutItem", "dynamodb:DescribeTable"},
                                     1, 3));
      record.policy = WritePolicy(
          SimpleGrantPolicy(b, "dynamodb", actions, b.Many({record.arn, record.arn + "/index/*"})));
      WriteInventoryPolicy(b, w, "tablePolicy", record.policy);
      break;
    }
    case ResourceType::kDynamoDbStream: {
      record.arn = Cat({"arn:aws:dynamodb:", region, ":", a, ":table/", name, "/stream/2024-0",
                        std::to_string(b.r.Between(1, 9)), "-1", std::to_string(b.r.Between(0, 9)),
                        "T00:00:00.000"});
      Values actions =
          b.Many({"dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"});
      record.policy = WritePolicy(SimpleGrantPolicy(b, "dynamodb-stream", actions, b.One("*")));
      WriteInventoryPolicy(b, w, "streamPolicy", record.policy);
      break;
    }
    case ResourceType::kEbsSnapshot: {
      record.arn = "arn:aws:ec2:" + region + "::snapshot/snap-" + b.r.Hex(17);
      bool encrypted = b.r.Percent(40);
      std::vector<std::string> users;
      int64_t n = b.r.Between(0, 2);
      for (int64_t i = 0; i < n; ++i) users.push_back(b.r.Percent(50) ? b.CrossAccount() : a);
      if (!users.empty()) w.Key("userIds").StringArray(users);
      // Encrypted snapshots cannot be public (EC2 User Guide, "Share an Amazon EBS snapshot").
      if (!encrypted && b.r.Percent(20)) {
        b.Label("ebs:public");
        w.Key("groups").StringArray({"all"});
      }
      if (encrypted) w.Key("kmsKeyId").String(KmsKeyArn(b));
      b.Label(users.empty() ? "ebs:private" : "ebs:shared");
      break;
    }
    case ResourceType::kRdsDbSnapshot:
    case ResourceType::kRdsDbClusterSnapshot: {
      bool cluster = record.type == ResourceType::kRdsDbClusterSnapshot;
      record.arn = "arn:aws:rds:" + region + ":" + a +
                   (cluster ? ":cluster-snapshot:" : ":snapshot:") + name;
      bool encrypted = b.r.Percent(40);
      std::vector<std::string> restore;
      int64_t n = b.r.Between(0, 2);
      for (int64_t i = 0; i < n; ++i) restore.push_back(b.CrossAccount());
      // Encrypted snapshots cannot be shared with "all" (RDS User Guide, "Sharing a DB snapshot").
      if (!encrypted && b.r.Percent(20)) {
        b.Label("rds:public");
        restore.push_back("all");
      }
      w.Key("attributes")
          .BeginObject()
          .Key("restore")
          .BeginObject()
          .Key("accountIds")
          .StringArray(restore)
          .EndObject()
          .EndObject();
      if (encrypted) w.Key("kmsKeyId").String(KmsKeyArn(b));
      break;
    }
  }
  w.EndObject();
  json::Writer config;
  config.BeginObject().Key(MemberOf(record.type)).Raw(w.text()).EndObject();
  record.configuration = std::move(config).Take();
  record.labels = std::move(b.labels);
  return record;
}

std::string CorpusLine(const CorpusRecord& record, bool with_labels) {
  json::Writer w;
  w.BeginObject();
  w.Key("arn").String(record.arn);
  w.Key("resource_type").String(resources::ResourceTypeName(record.type));
  w.Key("account").String(record.account);
  w.Key("region").String(record.region.empty() ? "us-east-1" : record.region);
  if (!record.policy.empty()) w.Key("policy").Raw(record.policy);
  if (with_labels) w.Key("labels").StringArray(record.labels);
  w.EndObject();
  return std::move(w).Take();
}

std::string CorpusInventoryRecord(const CorpusRecord& record, bool with_labels) {
  json::Writer w;
  w.BeginObject();
  w.Key("kind").String("resource");
  w.Key("resourceArn").String(record.arn);
  w.Key("resourceType").String(resources::ResourceTypeName(record.type));
  w.Key("resourceOwnerAccount").String(record.account);
  if (!record.region.empty()) w.Key("region").String(record.region);
  w.Key("configuration").Raw(record.configuration);
  if (with_labels) w.Key("labels").StringArray(record.labels);
  w.EndObject();
  return std::move(w).Take();
}

std::vector<std::string> CorpusInventoryHeader(const CorpusOptions& options) {
  std::vector<std::string> out;
  std::vector<CorpusAccount> accounts = CorpusOrganizationAccounts(options);
  json::Writer org;
  org.BeginObject()
      .Key("kind")
      .String("organization")
      .Key("organizationId")
      .String(options.organization_id);
  org.Key("managementAccount").String(options.zone_account).Key("accounts").BeginArray();
  for (const CorpusAccount& account : accounts) {
    org.BeginObject()
        .Key("accountId")
        .String(account.account_id)
        .Key("ouPath")
        .String(account.ou_path)
        .EndObject();
  }
  org.EndArray().EndObject();
  out.push_back(std::move(org).Take());
  // Account settings: the zone account without Block Public Access (so that public grants show),
  // the members with settings drawn from a stream of their own (record index -1).
  CorpusRandom r = CorpusRandom::ForRecord(options.seed, UINT64_MAX);
  for (const CorpusAccount& account : accounts) {
    json::Writer w;
    w.BeginObject().Key("kind").String("account").Key("accountId").String(account.account_id);
    if (account.account_id != options.zone_account) {
      w.Key("s3PublicAccessBlock").BeginObject();
      w.Key("blockPublicAcls").Bool(r.Percent(50)).Key("ignorePublicAcls").Bool(r.Percent(50));
      w.Key("blockPublicPolicy")
          .Bool(r.Percent(50))
          .Key("restrictPublicBuckets")
          .Bool(r.Percent(50));
      w.EndObject();
    }
    w.Key("enabledRegions").StringArray({options.region});
    w.Key("canonicalUserId").String(r.Hex(64));
    w.EndObject();
    out.push_back(std::move(w).Take());
  }
  return out;
}

std::vector<std::string> GenerateCorpus(const CorpusOptions& options, size_t count,
                                        CorpusFormat format, bool with_labels) {
  std::vector<std::string> out;
  switch (format) {
    case CorpusFormat::kLines:
      break;
    case CorpusFormat::kInventory:
      out = CorpusInventoryHeader(options);
      break;
  }
  out.reserve(out.size() + count);
  for (size_t i = 0; i < count; ++i) {
    CorpusRecord record = GenerateCorpusRecord(options, i);
    switch (format) {
      case CorpusFormat::kLines:
        out.push_back(CorpusLine(record, with_labels));
        break;
      case CorpusFormat::kInventory:
        out.push_back(CorpusInventoryRecord(record, with_labels));
        break;
    }
  }
  return out;
}

}  // namespace perimeter::corpus
