// The AWS query protocol as STS, IAM and CloudFormation speak it (Smithy's awsQuery protocol; AWS
// Security Token Service API Reference, "Making query requests" and "Common errors"): the request's
// parameters are form-encoded, in the body of a POST (Content-Type
// application/x-www-form-urlencoded) or in the query string of a GET; `Action` names the operation
// and `Version` the API version. Answers are XML:
//
//   <ActionResponse xmlns="NAMESPACE">
//     <ActionResult>...</ActionResult>
//     <ResponseMetadata><RequestId>ID</RequestId></ResponseMetadata>
//   </ActionResponse>
//
// and errors
//
//   <ErrorResponse xmlns="NAMESPACE">
//     <Error><Type>Sender|Receiver</Type><Code>CODE</Code><Message>TEXT</Message></Error>
//     <RequestId>ID</RequestId>
//   </ErrorResponse>
//
// Every value written is XML-escaped here (XmlEscape): callers pass plain text.
#ifndef PERIMETER_API_QUERY_PROTOCOL_H_
#define PERIMETER_API_QUERY_PROTOCOL_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "perimeter/api/aws_error.h"

namespace perimeter::api {

// The bounds of a form: at most this many parameters, each name at most this long (STS's largest
// operation, AssumeRole with session tags and policy ARNs, has fewer than 150).
inline constexpr size_t kMaxFormParameters = 200;
inline constexpr size_t kMaxFormNameBytes = 256;

using FormParameters = std::vector<std::pair<std::string, std::string>>;

// Decodes application/x-www-form-urlencoded text ("Action=GetCallerIdentity&Version=2011-06-15"):
// '&'-separated name=value pairs, '+' for a space, %XX escapes; empty pairs are skipped. A
// malformed escape, a name longer than kMaxFormNameBytes or more than kMaxFormParameters pairs is
// an error: MalformedQueryString (HTTP 404, as AWS's common errors have it) with the reason.
std::variant<FormParameters, AwsError> DecodeForm(std::string_view text);

// The value of the first parameter named `name`, or nullopt.
std::optional<std::string_view> FormValue(const FormParameters& form, std::string_view name);

// `text` as XML character data or attribute value: & < > " ' escaped; characters XML 1.0 cannot
// hold (control characters other than tab, LF, CR; invalid UTF-8 is passed through as is, since
// every value written comes from the configuration or the inventory, which are UTF-8 checked) are
// replaced by U+FFFD.
std::string XmlEscape(std::string_view text);

// One element <name>escaped text</name>.
std::string XmlElement(std::string_view name, std::string_view text);

// What a query-protocol request carries: its parameters may be in the query string (GET) and in a
// form-encoded body (POST with Content-Type application/x-www-form-urlencoded).
struct QueryRequest {
  std::string_view method;
  std::string_view raw_query;
  std::string_view content_type;
  std::string_view body;
  // The service of the request's credential scope ("sts", "iam", "cloudformation", ...).
  std::string_view service = "sts";
};

// The parameters of the query string and, for a form-encoded body, of the body (DecodeForm's
// errors; together at most kMaxFormParameters).
std::variant<FormParameters, AwsError> QueryParameters(const QueryRequest& request);

// One call: the operation named by `Action`, with every parameter.
struct QueryCall {
  std::string action;
  FormParameters parameters;
};

// Reads `request` as a call of API `version`, or the error answer (in `xml_namespace`): a method
// other than GET and POST or another version is InvalidAction, a missing Action MissingAction, a
// missing Version MissingParameter (400), a malformed form MalformedQueryString (404).
std::variant<QueryCall, ApiResponse> ReadQueryCall(const QueryRequest& request,
                                                   std::string_view version,
                                                   std::string_view xml_namespace,
                                                   std::string_view request_id);

// A successful answer: `result_xml` (already XML, built with XmlElement) inside
// <ACTIONResult>, in <ACTIONResponse xmlns=namespace>, with the request id.
ApiResponse QueryResponse(std::string_view action, std::string_view xml_namespace,
                          std::string_view result_xml, std::string_view request_id);

// An error answer: `error.http_status`, <Type> Sender for 4xx and Receiver for 5xx.
ApiResponse QueryError(const AwsError& error, std::string_view xml_namespace,
                       std::string_view request_id);

// An AWS error of the query protocol: `code` and `message` with `status`.
AwsError QueryProtocolError(int status, std::string code, std::string message);

}  // namespace perimeter::api

#endif  // PERIMETER_API_QUERY_PROTOCOL_H_
