// The per-service readers of the collector: each lists one resource type of an account (in one
// region, or globally) with its service's paginated list call, reads what decides access to each
// resource, and gives one inventory record per resource (docs/inventory.md) to the scope's sink.
// A failed call becomes a collectionError record about what it was reading; an answer meaning
// "no policy" (NoSuchBucketPolicy, ResourceNotFoundException for a Lambda policy, ...) is an absent
// policy, not an error. Requests and answers as the AWS API references give them (docs/collect.md
// lists the operations; tests/integration/collect_test.py checks them against botocore's models).
#ifndef PERIMETER_COLLECT_SERVICES_H_
#define PERIMETER_COLLECT_SERVICES_H_

#include <optional>
#include <string>
#include <vector>

#include "perimeter/collect/records.h"
#include "perimeter/collect/scope.h"

namespace perimeter::collect {

// Global: every bucket of the account (ListBuckets), in whatever region it is, with its policy,
// ACL, Block Public Access and the access points of `regions` (S3 Control ListAccessPoints) and of
// the buckets' own regions.
void CollectS3Buckets(const Scope& scope, const std::string& home_region,
                      const std::vector<std::string>& regions);
// The account's S3 Block Public Access (S3 Control GetPublicAccessBlock); nullopt when none is set
// or it cannot be read (then an error is recorded).
std::optional<PublicAccessBlock> ReadAccountPublicAccessBlock(const Scope& scope,
                                                              const std::string& home_region);
// Global: IAM roles and their trust policies (ListRoles).
void CollectIamRoles(const Scope& scope, const std::string& home_region);

// Regional (scope.region).
void CollectS3DirectoryBuckets(const Scope& scope);  // their policies; not yet their access points
void CollectKmsKeys(const Scope& scope);
void CollectSqsQueues(const Scope& scope);
void CollectSnsTopics(const Scope& scope);
void CollectSecrets(const Scope& scope);
void CollectLambdaFunctions(const Scope& scope);
void CollectLambdaLayers(const Scope& scope);
void CollectEcrRepositories(const Scope& scope);
void CollectEfsFileSystems(const Scope& scope);
void CollectDynamoDbTables(const Scope& scope);  // tables and their latest streams
void CollectEbsSnapshots(const Scope& scope);
void CollectRdsSnapshots(const Scope& scope);  // DB and DB cluster snapshots

// Every regional reader above, in order.
void CollectRegion(const Scope& scope);

// Calls of the account walk (collector.cc), here so that all requests are built in one place.
ServiceCall GetCallerIdentityCall();
ServiceCall ListRegionsCall(const std::string& next_token);
ServiceCall DescribeRegionsCall();

// Percent-decoding of IAM's URL-encoded policy documents ("+" stays "+": IAM encodes spaces as
// %20). Invalid escapes are kept as written.
std::string PercentDecode(std::string_view text);

}  // namespace perimeter::collect

#endif  // PERIMETER_COLLECT_SERVICES_H_
