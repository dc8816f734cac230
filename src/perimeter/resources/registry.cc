#include "perimeter/resources/registry.h"

#include <array>
#include <cstdlib>

#include "perimeter/resources/dynamodb_stream.h"
#include "perimeter/resources/dynamodb_table.h"
#include "perimeter/resources/ebs_snapshot.h"
#include "perimeter/resources/ecr_repository.h"
#include "perimeter/resources/efs_file_system.h"
#include "perimeter/resources/iam_role.h"
#include "perimeter/resources/kms_key.h"
#include "perimeter/resources/lambda_function.h"
#include "perimeter/resources/lambda_layer.h"
#include "perimeter/resources/rds_snapshot.h"
#include "perimeter/resources/s3_bucket.h"
#include "perimeter/resources/s3_express_directory_bucket.h"
#include "perimeter/resources/secrets_manager_secret.h"
#include "perimeter/resources/sns_topic.h"
#include "perimeter/resources/sqs_queue.h"

namespace perimeter::resources {
namespace {

// In ResourceType order (ModuleFor indexes it).
constexpr std::array kModules = {
    ResourceModule{ResourceType::kS3Bucket, "AWS::S3::Bucket", "s3Bucket",
                   &CheckS3BucketConfiguration, &AnalyzeS3Bucket},
    ResourceModule{ResourceType::kS3ExpressDirectoryBucket, "AWS::S3Express::DirectoryBucket",
                   "s3ExpressDirectoryBucket", &CheckS3ExpressDirectoryBucketConfiguration,
                   &AnalyzeS3ExpressDirectoryBucket},
    ResourceModule{ResourceType::kIamRole, "AWS::IAM::Role", "iamRole", &CheckIamRoleConfiguration,
                   &AnalyzeIamRole},
    ResourceModule{ResourceType::kKmsKey, "AWS::KMS::Key", "kmsKey", &CheckKmsKeyConfiguration,
                   &AnalyzeKmsKey},
    ResourceModule{ResourceType::kLambdaFunction, "AWS::Lambda::Function", "lambdaFunction",
                   &CheckLambdaFunctionConfiguration, &AnalyzeLambdaFunction},
    ResourceModule{ResourceType::kLambdaLayerVersion, "AWS::Lambda::LayerVersion",
                   "lambdaLayerVersion", &CheckLambdaLayerVersionConfiguration,
                   &AnalyzeLambdaLayerVersion},
    ResourceModule{ResourceType::kSqsQueue, "AWS::SQS::Queue", "sqsQueue",
                   &CheckSqsQueueConfiguration, &AnalyzeSqsQueue},
    ResourceModule{ResourceType::kSnsTopic, "AWS::SNS::Topic", "snsTopic",
                   &CheckSnsTopicConfiguration, &AnalyzeSnsTopic},
    ResourceModule{ResourceType::kSecretsManagerSecret, "AWS::SecretsManager::Secret",
                   "secretsManagerSecret", &CheckSecretsManagerSecretConfiguration,
                   &AnalyzeSecretsManagerSecret},
    ResourceModule{ResourceType::kEcrRepository, "AWS::ECR::Repository", "ecrRepository",
                   &CheckEcrRepositoryConfiguration, &AnalyzeEcrRepository},
    ResourceModule{ResourceType::kEfsFileSystem, "AWS::EFS::FileSystem", "efsFileSystem",
                   &CheckEfsFileSystemConfiguration, &AnalyzeEfsFileSystem},
    ResourceModule{ResourceType::kDynamoDbTable, "AWS::DynamoDB::Table", "dynamodbTable",
                   &CheckDynamoDbTableConfiguration, &AnalyzeDynamoDbTable},
    ResourceModule{ResourceType::kDynamoDbStream, "AWS::DynamoDB::Stream", "dynamodbStream",
                   &CheckDynamoDbStreamConfiguration, &AnalyzeDynamoDbStream},
    ResourceModule{ResourceType::kEbsSnapshot, "AWS::EC2::Snapshot", "ebsSnapshot",
                   &CheckEbsSnapshotConfiguration, &AnalyzeEbsSnapshot},
    ResourceModule{ResourceType::kRdsDbSnapshot, "AWS::RDS::DBSnapshot", "rdsDbSnapshot",
                   &CheckRdsDbSnapshotConfiguration, &AnalyzeRdsDbSnapshot},
    ResourceModule{ResourceType::kRdsDbClusterSnapshot, "AWS::RDS::DBClusterSnapshot",
                   "rdsDbClusterSnapshot", &CheckRdsDbClusterSnapshotConfiguration,
                   &AnalyzeRdsDbClusterSnapshot},
};

// The position of `type` in kModules. A switch without default: a new
// ResourceType that has no module fails to compile (-Werror=switch).
size_t IndexOf(ResourceType type) {
  switch (type) {
    case ResourceType::kS3Bucket:
      return 0;
    case ResourceType::kS3ExpressDirectoryBucket:
      return 1;
    case ResourceType::kIamRole:
      return 2;
    case ResourceType::kKmsKey:
      return 3;
    case ResourceType::kLambdaFunction:
      return 4;
    case ResourceType::kLambdaLayerVersion:
      return 5;
    case ResourceType::kSqsQueue:
      return 6;
    case ResourceType::kSnsTopic:
      return 7;
    case ResourceType::kSecretsManagerSecret:
      return 8;
    case ResourceType::kEcrRepository:
      return 9;
    case ResourceType::kEfsFileSystem:
      return 10;
    case ResourceType::kDynamoDbTable:
      return 11;
    case ResourceType::kDynamoDbStream:
      return 12;
    case ResourceType::kEbsSnapshot:
      return 13;
    case ResourceType::kRdsDbSnapshot:
      return 14;
    case ResourceType::kRdsDbClusterSnapshot:
      return 15;
  }
  std::abort();  // unreachable: every enumerator is handled above
}

}  // namespace

std::span<const ResourceModule> AllResourceModules() { return kModules; }

const ResourceModule &ModuleFor(ResourceType type) { return kModules[IndexOf(type)]; }

const ResourceModule *FindModuleByTypeName(std::string_view type_name) {
  for (const ResourceModule &module : kModules) {
    if (module.type_name == type_name) return &module;
  }
  return nullptr;
}

const ResourceModule *FindModuleByMember(std::string_view configuration_member) {
  for (const ResourceModule &module : kModules) {
    if (module.configuration_member == configuration_member) return &module;
  }
  return nullptr;
}

std::string_view ResourceTypeName(ResourceType type) { return ModuleFor(type).type_name; }

base::SourcePosition RecordLocation::Locate(const base::SourcePosition &in_record) const {
  // A synthesised configuration keeps no text of its source: a place inside one of its members is
  // that member's place in the source file.
  if (const SynthesizedPolicy *member = FindPolicy(in_record.offset)) return member->position;
  base::SourcePosition out;
  out.line = in_record.line + line_base - 1;
  out.column = in_record.line == 1 ? in_record.column + column_base - 1 : in_record.column;
  out.offset = in_record.offset + offset_base;
  return out;
}

const SynthesizedPolicy *RecordLocation::FindPolicy(uint32_t offset) const {
  if (policies == nullptr) return nullptr;
  for (const SynthesizedPolicy &policy : *policies) {
    if (policy.begin <= offset && offset < policy.end) return &policy;
  }
  return nullptr;
}

bool ResourceAnalysis::has_errors() const {
  if (base::HasErrors(issues)) return true;
  for (const findings::Finding &finding : findings) {
    if (finding.error.has_value()) return true;
  }
  return false;
}

}  // namespace perimeter::resources
