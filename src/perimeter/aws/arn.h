// Amazon Resource Names and account ids: the one parser and the one validator of Perimeter. Pure:
// no I/O, so policy/ and the analysis core use it.
//
// ARN format (AWS General Reference, "Amazon Resource Names (ARNs)"):
//   arn:partition:service:region:account-id:resource
// where `resource` may itself contain ':' or '/' ("arn:aws:s3:::bucket/key:with:colons",
// "arn:aws:lambda:us-east-1:111122223333:function:f:1"). Region and account may be empty (S3
// buckets, IAM). Matching ARNs against wildcard patterns is policy's (policy/arn.h).
#ifndef PERIMETER_AWS_ARN_H_
#define PERIMETER_AWS_ARN_H_

#include <optional>
#include <string_view>

namespace perimeter::aws {

struct Arn {
  std::string_view partition;
  std::string_view service;
  std::string_view region;
  std::string_view account;
  std::string_view resource;  // everything after the fifth ':'
};

// Splits an ARN into its components (views into `text`). Returns nullopt when `text` does not start
// with "arn:" or has fewer than six components (five ':'). No component is validated:
// "arn:aws:s3:::" parses, with every part after the service empty.
std::optional<Arn> ParseArn(std::string_view text);

// The account and region components of an ARN; "" when `text` is not an ARN (see ParseArn) or the
// component is empty.
std::string_view AccountOfArn(std::string_view text);
std::string_view RegionOfArn(std::string_view text);

// True for an AWS account id: exactly 12 ASCII digits (AWS Account Management Reference Guide,
// "View AWS account identifiers": "The AWS account ID is a 12-digit number").
bool IsAccountId(std::string_view text);

// The account id of an IAM principal written as an account id or ARN ("123456789012",
// "arn:aws:iam::123456789012:root", "arn:aws:sts::123456789012:assumed-role/R/s"), if any: nullopt
// for a service principal, "*", or an ARN whose account component is not an account id.
std::optional<std::string_view> PrincipalAccount(std::string_view principal);

}  // namespace perimeter::aws

#endif  // PERIMETER_AWS_ARN_H_
