// Amazon S3 as far as AWS's IaC validators need it: ListBuckets (REST-XML; Amazon S3 API
// Reference, "ListBuckets"), from which cfn-policy-validator reads the owner's canonical user id to
// build the bucket ACLs of its access previews. The buckets are the caller's account's
// AWS::S3::Bucket resources of the server's inventory; the owner is the account, named by its
// canonical user id (the account record's canonicalUserId, else aws/canonical_user_id.h's derived
// one) and its name in the configuration. Every other S3 request is refused with NotImplemented
// (HTTP 501), S3's answer to functionality it does not implement.
#ifndef PERIMETER_API_S3_OPERATIONS_H_
#define PERIMETER_API_S3_OPERATIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "perimeter/api/aws_error.h"

namespace perimeter::api {

inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

struct S3Owner {
  std::string id;  // the canonical user id
  std::string display_name;
};

struct S3BucketEntry {
  std::string name;
  std::string region;  // "" when the inventory gives none
};

// ListBuckets' query parameters (max-buckets 1..10000, continuation-token, prefix,
// bucket-region), as decoded from the query string.
struct ListBucketsQuery {
  std::vector<std::pair<std::string, std::string>> parameters;
};

// Answers ListBuckets over `buckets` (any order): sorted by name, filtered by prefix and
// bucket-region, at most max-buckets per page with a ContinuationToken (the last name of the
// page) when more follow. CreationDate is the Unix epoch: the inventory does not record when a
// bucket was created. A malformed max-buckets is InvalidArgument (400).
ApiResponse ListBuckets(const ListBucketsQuery& query, const S3Owner& owner,
                        std::vector<S3BucketEntry> buckets, std::string_view request_id);

// S3's error document: <Error><Code/><Message/><RequestId/></Error> with `error.http_status`.
ApiResponse S3Error(const AwsError& error, std::string_view request_id);

// The S3 error for a refusal of the server's own (aws/sigv4/sigv4.h, api/authorization.h):
// AccessDenied for a missing or malformed Authorization and for a denied call, InvalidAccessKeyId
// for an unknown key, SignatureDoesNotMatch for a bad signature; other codes (SlowDown, ...) kept;
// the refusal's status.
AwsError S3AuthError(const AwsError& sigv4_error);

// The name of a bucket ARN ("arn:aws:s3:::NAME"), or "" for any other ARN.
std::string_view BucketNameOf(std::string_view arn);

}  // namespace perimeter::api

#endif  // PERIMETER_API_S3_OPERATIONS_H_
