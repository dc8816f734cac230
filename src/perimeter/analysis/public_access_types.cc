#include "perimeter/analysis/public_access_types.h"

#include <algorithm>
#include <utility>

#include "perimeter/catalog/iam_catalog.h"
#include "perimeter/resources/dynamodb_stream.h"
#include "perimeter/resources/dynamodb_table.h"
#include "perimeter/resources/ecr_repository.h"
#include "perimeter/resources/efs_file_system.h"
#include "perimeter/resources/iam_role.h"
#include "perimeter/resources/kms_key.h"
#include "perimeter/resources/lambda_function.h"
#include "perimeter/resources/s3_bucket.h"
#include "perimeter/resources/s3_express_directory_bucket.h"
#include "perimeter/resources/secrets_manager_secret.h"
#include "perimeter/resources/sns_topic.h"
#include "perimeter/resources/sqs_queue.h"

namespace perimeter::analysis {
namespace {

using TargetsOf = std::vector<reasoning::ResourceTarget> (*)(const resources::Resource&);

// A type analyzed for findings too: its module's targets, for a resource at `arn`.
PublicAccessType Analyzed(std::string_view name, std::string_view arn, policy::PolicyKind kind,
                          TargetsOf targets) {
  resources::Resource resource;
  resource.arn = std::string(arn);
  return PublicAccessType{name, arn, kind, targets(resource)};
}

// One group of requests of a type only checked: the IAM catalogue's actions of `service` on its
// resource type `catalog_type`, naming ARNs that match `arn`.
struct CatalogTarget {
  std::string_view service;       // "kinesis"
  std::string_view catalog_type;  // "stream"
  std::string_view arn;           // "arn:aws:kinesis:*:*:stream/*"
};

PublicAccessType Checked(std::string_view name, std::vector<CatalogTarget> groups) {
  PublicAccessType type{name, groups.front().arn, policy::PolicyKind::kResource, {}};
  type.any_action_counts = true;
  for (const CatalogTarget& group : groups) {
    std::vector<std::string> actions;
    for (const catalog::ActionInfo& action :
         catalog::ActionsOnResourceType(group.service, group.catalog_type)) {
      actions.push_back(action.FullName());
    }
    std::sort(actions.begin(), actions.end());
    // The catalogue is pinned and names every service below (public_access_types_test checks it):
    // an empty group would make the check pass without looking, so it must not happen.
    type.targets.push_back(reasoning::ResourceTarget{{std::string(group.arn)}, std::move(actions)});
  }
  return type;
}

std::vector<PublicAccessType> BuildTypes() {
  using policy::PolicyKind;
  std::vector<PublicAccessType> types;
  types.push_back(Analyzed("AWS::DynamoDB::Table", "arn:aws:dynamodb:*:*:table/*",
                           PolicyKind::kResource, &resources::DynamoDbTableTargets));
  types.push_back(Analyzed("AWS::DynamoDB::Stream", "arn:aws:dynamodb:*:*:table/*/stream/*",
                           PolicyKind::kResource, &resources::DynamoDbStreamTargets));
  types.push_back(Analyzed("AWS::EFS::FileSystem", "arn:aws:elasticfilesystem:*:*:file-system/*",
                           PolicyKind::kResource, &resources::EfsFileSystemTargets));
  // OpenSearch domain access policies name the domain and its paths ("domain/NAME/*"): the glob
  // covers both (Amazon OpenSearch Service Developer Guide, "Resource-based policies").
  types.push_back(
      Checked("AWS::OpenSearchService::Domain", {{"es", "domain", "arn:aws:es:*:*:domain/*"}}));
  types.push_back(
      Checked("AWS::Kinesis::Stream", {{"kinesis", "stream", "arn:aws:kinesis:*:*:stream/*"}}));
  types.push_back(Checked("AWS::Kinesis::StreamConsumer",
                          {{"kinesis", "consumer", "arn:aws:kinesis:*:*:stream/*/consumer/*"}}));
  types.push_back(Analyzed("AWS::KMS::Key", "arn:aws:kms:*:*:key/*", PolicyKind::kResource,
                           &resources::KmsKeyTargets));
  types.push_back(Analyzed("AWS::Lambda::Function", "arn:aws:lambda:*:*:function:*",
                           PolicyKind::kResource, &resources::LambdaFunctionTargets));
  types.push_back(Analyzed("AWS::S3::Bucket", "arn:aws:s3:::*", PolicyKind::kResource,
                           &resources::S3BucketTargets));
  {
    std::string_view arn = "arn:aws:s3:*:*:accesspoint/*";
    types.push_back(PublicAccessType{"AWS::S3::AccessPoint", arn, PolicyKind::kResource,
                                     resources::S3AccessPointTargets(std::string(arn))});
  }
  types.push_back(Analyzed("AWS::S3Express::DirectoryBucket", "arn:aws:s3express:*:*:bucket/*",
                           PolicyKind::kResource, &resources::S3ExpressDirectoryBucketTargets));
  // S3 Glacier vault access policies (and vault lock policies, the same language) name the vault
  // (Amazon S3 Glacier Developer Guide, "Vault access policies").
  types.push_back(
      Checked("AWS::S3::Glacier", {{"glacier", "vault", "arn:aws:glacier:*:*:vaults/*"}}));
  // S3 on Outposts bucket policies grant on the bucket and its objects; access point policies on
  // the access point and objects through it (Amazon S3 on Outposts User Guide, "Setting up IAM").
  types.push_back(
      Checked("AWS::S3Outposts::Bucket",
              {{"s3-outposts", "bucket", "arn:aws:s3-outposts:*:*:outpost/*/bucket/*"},
               {"s3-outposts", "object", "arn:aws:s3-outposts:*:*:outpost/*/bucket/*/object/*"}}));
  types.push_back(Checked(
      "AWS::S3Outposts::AccessPoint",
      {{"s3-outposts", "accesspoint", "arn:aws:s3-outposts:*:*:outpost/*/accesspoint/*"},
       {"s3-outposts", "object", "arn:aws:s3-outposts:*:*:outpost/*/accesspoint/*/object/*"}}));
  types.push_back(Analyzed("AWS::SecretsManager::Secret", "arn:aws:secretsmanager:*:*:secret:*",
                           PolicyKind::kResource, &resources::SecretsManagerSecretTargets));
  types.push_back(Analyzed("AWS::SNS::Topic", "arn:aws:sns:*:*:*", PolicyKind::kResource,
                           &resources::SnsTopicTargets));
  types.push_back(Analyzed("AWS::SQS::Queue", "arn:aws:sqs:*:*:*", PolicyKind::kResource,
                           &resources::SqsQueueTargets));
  types.push_back(Analyzed("AWS::IAM::AssumeRolePolicyDocument", "arn:aws:iam::*:role/*",
                           PolicyKind::kRoleTrust, &resources::IamRoleTargets));
  // A table bucket policy grants on the bucket and on every table in it (Amazon S3 User Guide,
  // "Resource-based policies for S3 Tables").
  types.push_back(Checked("AWS::S3Tables::TableBucket",
                          {{"s3tables", "tablebucket", "arn:aws:s3tables:*:*:bucket/*"},
                           {"s3tables", "table", "arn:aws:s3tables:*:*:bucket/*/table/*"}}));
  // API Gateway resource policies grant execute-api actions on API-ID/STAGE/METHOD/PATH (API
  // Gateway Developer Guide, "Controlling access to a REST API with API Gateway resource
  // policies"); aws:SourceIp and aws:SourceVpc(e) conditions restrict the caller as anywhere else.
  types.push_back(Checked("AWS::ApiGateway::RestApi",
                          {{"execute-api", "execute-api-general", "arn:aws:execute-api:*:*:*"}}));
  // A CodeArtifact domain policy governs the domain's actions (CodeArtifact User Guide, "Domain
  // policies").
  types.push_back(Checked("AWS::CodeArtifact::Domain",
                          {{"codeartifact", "domain", "arn:aws:codeartifact:*:*:domain/*"}}));
  // A backup vault access policy governs the vault and the recovery points in it (AWS Backup
  // Developer Guide, "Vault access policies"); a recovery point's ARN is the backed-up service's
  // (arn:aws:ec2:...:snapshot/..., arn:aws:backup:...:recovery-point:...), so any ARN.
  types.push_back(Checked("AWS::Backup::BackupVault",
                          {{"backup", "backupvault", "arn:aws:backup:*:*:backup-vault:*"},
                           {"backup", "recoverypoint", "arn:aws:*"}}));
  // CloudTrail Lake resource-based policies (AWS CloudTrail User Guide, "Resource-based policy
  // examples for event data stores", "... for dashboards").
  types.push_back(Checked("AWS::CloudTrail::Dashboard",
                          {{"cloudtrail", "dashboard", "arn:aws:cloudtrail:*:*:dashboard/*"}}));
  types.push_back(
      Checked("AWS::CloudTrail::EventDataStore",
              {{"cloudtrail", "eventdatastore", "arn:aws:cloudtrail:*:*:eventdatastore/*"}}));
  types.push_back(Checked("AWS::S3Tables::Table",
                          {{"s3tables", "table", "arn:aws:s3tables:*:*:bucket/*/table/*"}}));
  {
    std::string_view arn = "arn:aws:s3express:*:*:accesspoint/*";
    types.push_back(PublicAccessType{"AWS::S3Express::AccessPoint", arn, PolicyKind::kResource,
                                     resources::S3ExpressAccessPointTargets(std::string(arn))});
  }
  // Not in AWS's enum (the API refuses it with a ValidationException); the CLI checks it as the
  // findings analysis does.
  types.push_back(Analyzed("AWS::ECR::Repository", "arn:aws:ecr:*:*:repository/*",
                           PolicyKind::kResource, &resources::EcrRepositoryTargets));
  types.back().in_api_enum = false;
  return types;
}

}  // namespace

const std::vector<PublicAccessType>& PublicAccessTypes() {
  static const std::vector<PublicAccessType>* const kTypes =
      new std::vector<PublicAccessType>(BuildTypes());
  return *kTypes;
}

bool IsAccessCheckResourceType(std::string_view name) {
  const PublicAccessType* type = FindPublicAccessType(name);
  return type != nullptr && type->in_api_enum;
}

const PublicAccessType* FindPublicAccessType(std::string_view name) {
  for (const PublicAccessType& type : PublicAccessTypes()) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

}  // namespace perimeter::analysis
