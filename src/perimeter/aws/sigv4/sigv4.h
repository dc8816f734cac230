// AWS Signature Version 4: verifying the Authorization header of an incoming request, and signing
// an outgoing one (for `perimeter import` and the tests).
//
// The rules follow the AWS General Reference, "Create a signed AWS API request" (canonical request,
// string to sign, signing key), with what the AWS SDKs actually send:
//  - the canonical URI is the request path as received (already percent-encoded once by the
//  client),
//    with dot segments removed, percent-encoded a second time: AWS double-encodes path segments of
//    every service but S3, so an ARN label `arn%3Aaws...` is signed as `arn%253Aaws...`;
//  - the canonical query string re-encodes each decoded name and value (RFC 3986 unreserved
//  characters
//    kept, upper-case hex) and sorts by name, then value;
//  - the payload hash is always computed by the server from the body it received: the SDKs send no
//    X-Amz-Content-Sha256 for these services, and a client-sent one is never trusted;
//  - the credential scope is DATE/REGION/SERVICE/aws4_request; any region is accepted, the service
//  must be
//    the one the endpoint serves, DATE must be the date of X-Amz-Date;
//  - X-Amz-Date must be within 15 minutes of the server's clock;
//  - Host and every x-amz-* header present (X-Amz-Date, X-Amz-Target, X-Amz-Security-Token,
//    X-Amz-Content-Sha256, ...) must be among the signed headers ("Create a signed AWS API
//    request", step 1: the x-amz-* headers of the request are added to the canonical headers);
//    botocore and the AWS SDK for JavaScript v3 sign every header but a few hop-by-hop ones,
//    User-Agent and X-Amzn-Trace-Id, so real clients always do;
//  - a long-term key (a Credential without session_token) with X-Amz-Security-Token, and a
//    temporary key (sts:AssumeRole's) without its own session token, are refused with
//    UnrecognizedClientException ("The security token included in the request is invalid."), as AWS
//    answers a session token it does not know.
// Failures carry AWS's error codes (all answered with HTTP 403):
// MissingAuthenticationTokenException, IncompleteSignatureException, UnrecognizedClientException,
// InvalidSignatureException.
#ifndef PERIMETER_AWS_SIGV4_SIGV4_H_
#define PERIMETER_AWS_SIGV4_SIGV4_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "perimeter/base/clock.h"

namespace perimeter::aws::sigv4 {

// What the verifier reads from an HTTP request.
struct HttpRequestView {
  std::string_view method;     // "GET"
  std::string_view raw_path;   // as received, still percent-encoded, without the query
  std::string_view raw_query;  // what follows '?', as received ("" when none)
  // Every header as received (any case; a name may repeat).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
};

// A secret the server knows, and who it belongs to.
struct Credential {
  std::string access_key_id;
  std::string secret_access_key;
  std::string account_id;
  std::string principal_arn;
  // A temporary key's session token (its X-Amz-Security-Token must be this); "" for a long-term
  // key.
  std::string session_token = {};
};

// Looks an access key id up; nullopt when the server does not know it.
using CredentialLookup = std::function<std::optional<Credential>(std::string_view access_key_id)>;

// The verified identity of a request.
struct Caller {
  std::string access_key_id;
  std::string account_id;
  std::string principal_arn;
  std::string region;   // from the credential scope
  std::string service;  // from the credential scope
};

// Why a request was refused. Always answered with HTTP 403.
struct AuthError {
  std::string code;  // "InvalidSignatureException", ...
  std::string message;
  friend bool operator==(const AuthError&, const AuthError&) = default;
};

inline constexpr base::UnixMillis kMaxClockSkewMillis = 15 * 60 * 1000;

// Verifies `request`, signed for `service` ("access-analyzer", "organizations"), at time `now`.
std::variant<Caller, AuthError> Verify(const HttpRequestView& request, std::string_view service,
                                       const CredentialLookup& lookup, base::UnixMillis now);

// Every check of Verify that needs no body: the Authorization header's form, the date and its skew,
// the scope, the signed headers, the access key, the session token. A request that fails it is
// refused before its body is read; one that passes must still pass Verify once the body is there.
std::variant<Caller, AuthError> CheckHeaders(const HttpRequestView& request,
                                             std::string_view service,
                                             const CredentialLookup& lookup, base::UnixMillis now);

// The parts of the signature computation, exposed for tests.
std::string CanonicalUri(std::string_view raw_path);
std::string CanonicalQuery(std::string_view raw_query);
std::string HexSha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // the raw 32-byte MAC
// "20150830T123600Z" for a time; parses back (nullopt when malformed).
std::string AmzDate(base::UnixMillis time);
std::optional<base::UnixMillis> ParseAmzDate(std::string_view text);

// RFC 3986 percent-encoding of everything but unreserved characters (and '/' when `keep_slash`).
std::string UriEncode(std::string_view text, bool keep_slash);
// Decodes %XX escapes ('+' is kept as is). Malformed escapes are kept verbatim.
std::string UriDecode(std::string_view text);

// Signs a request the way the AWS SDKs do: adds Host (when missing), X-Amz-Date and Authorization
// to `headers`. `raw_path` and `raw_query` must already be percent-encoded as they will be sent.
void Sign(std::string_view method, std::string_view raw_path, std::string_view raw_query,
          std::vector<std::pair<std::string, std::string>>& headers, std::string_view body,
          const Credential& credential, std::string_view region, std::string_view service,
          base::UnixMillis now);

}  // namespace perimeter::aws::sigv4

#endif  // PERIMETER_AWS_SIGV4_SIGV4_H_
