// AWS STS as far as AWS's IaC validators need it (cfn-policy-validator and tf-policy-validator
// call sts:GetCallerIdentity first, to learn the account and partition): GetCallerIdentity over
// the query protocol (api/query_protocol.h), API version 2011-06-15 (AWS Security Token Service
// API Reference, "GetCallerIdentity"). The caller is the principal the request's access key is
// bound to in the server configuration ([[credentials]], docs/server.md). AssumeRole ("AssumeRole",
// same reference) issues temporary credentials when the server's IssueSession allows it, so that
// the collector (docs/collect.md) can step into member accounts of the server's organization.
// Every other action is refused with InvalidAction (HTTP 400).
#ifndef PERIMETER_API_STS_OPERATIONS_H_
#define PERIMETER_API_STS_OPERATIONS_H_

#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "absl/time/time.h"
#include "perimeter/api/aws_error.h"
#include "perimeter/api/caller.h"
#include "perimeter/api/query_protocol.h"

namespace perimeter::api {

inline constexpr std::string_view kStsVersion = "2011-06-15";
inline constexpr std::string_view kStsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

// An STS request (api/query_protocol.h). A request scoped to a query-protocol service Perimeter
// does not answer (SQS, SNS, ...; the validators call some for templates that reference resources
// outside themselves) is refused by HandleSts with InvalidAction naming it.
using StsRequest = QueryRequest;

// An AssumeRole call as read from the request: the role, the session's name and duration.
struct AssumeRoleCall {
  std::string role_arn;      // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
  std::string role_account;  // ACCOUNT
  std::string role_name;     // NAME
  std::string session_name;  // RoleSessionName
  // The session's principal: arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION_NAME.
  std::string assumed_role_arn;
  std::string external_id;      // "" when not given
  int duration_seconds = 3600;  // 900 to 43200
};
// The temporary credentials of a session.
struct IssuedSession {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  absl::Time expiration;
};
// Whether `caller` may assume the role and, if so, the session's keys; or the refusal
// (AccessDenied). Null: AssumeRole is refused as an action Perimeter does not answer.
using IssueSession = std::function<std::variant<IssuedSession, AwsError>(
    const Caller& caller, const AssumeRoleCall& call)>;

// Answers `request` for `caller` (already authenticated) in the query protocol's XML.
ApiResponse HandleSts(const Caller& caller, const StsRequest& request, std::string_view request_id,
                      const IssueSession& issue = nullptr);

// The unique id GetCallerIdentity reports as UserId: the account id for the root user (as AWS
// does); otherwise a stable id in the shape of AWS's unique ids ("AIDA" for a user, "AROA" for a
// role, then 17 characters of [A-Z2-7] derived from the principal ARN's SHA-256), followed by
// ":SESSION" for an assumed-role session ARN (IAM User Guide, "IAM identifiers", "Unique
// identifiers").
std::string StsUserId(std::string_view account_id, std::string_view principal_arn);

// The query protocol's code for a SigV4 refusal (aws/sigv4/sigv4.h's codes are the JSON
// protocols'): MissingAuthenticationToken, IncompleteSignature, InvalidClientTokenId,
// SignatureDoesNotMatch (STS's common errors), AccessDenied for a denied call, with the refusal's
// status; other codes (Throttling, ...) kept.
AwsError StsAuthError(const AwsError& sigv4_error);

}  // namespace perimeter::api

#endif  // PERIMETER_API_STS_OPERATIONS_H_
