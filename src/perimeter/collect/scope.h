// What one piece of collection works with: the caller of one account, the region, and where
// records and errors go. The per-service readers (services.h) take a Scope; the driver
// (collector.h) makes one per account and region.
#ifndef PERIMETER_COLLECT_SCOPE_H_
#define PERIMETER_COLLECT_SCOPE_H_

#include <atomic>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "perimeter/aws/client/http_transport.h"
#include "perimeter/collect/records.h"
#include "perimeter/collect/wire.h"

namespace perimeter::collect {

// Sends calls for one account (its keys). The I/O boundary of the collector: tests substitute it.
class AwsCaller {
 public:
  virtual ~AwsCaller() = default;
  // Sends `call` to the service's endpoint for `region`, retrying throttling and 5xx answers.
  // A non-2xx answer is an error status with the AWS error code as aws::AwsErrorCode's payload
  // (aws::SignedClient::Call). Thread-safe.
  virtual absl::StatusOr<aws::HttpResponse> Call(const ServiceCall& call,
                                                 std::string_view region) const = 0;
  // A caller with the keys of `role_arn` (sts:AssumeRole from this caller's keys).
  virtual absl::StatusOr<std::unique_ptr<AwsCaller>> AssumeRole(std::string_view role_arn,
                                                                std::string_view external_id,
                                                                std::string_view region) const = 0;
};

// Where records and errors go. Thread-safe.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void Resource(const ResourceRecord& record) = 0;
  virtual void Error(const CollectionError& error) = 0;
};

// How a failed call is classified (records.h ErrorKind), from its status and AWS error code.
ErrorKind ClassifyError(const absl::Status& status);

struct Scope {
  const AwsCaller& caller;
  RecordSink& sink;
  std::string account;
  std::string partition;  // "aws"
  std::string region;     // "" for the global readers (IAM, the S3 bucket list)
  // Set once a call in `region` finds it not enabled for the account (an opt-in region): the other
  // calls there are not made, the one RegionDisabled error standing for them. Null: not tracked.
  std::atomic<bool>* region_disabled = nullptr;

  // Sends `call` in `region`. An error answer whose code is in `absent` means "none" (a bucket
  // without a policy) and gives nullopt with *absent set; any other failure is recorded as an error
  // about `resource` and gives nullopt.
  std::optional<aws::HttpResponse> Send(const ServiceCall& call, std::string_view region,
                                        std::string_view resource,
                                        std::initializer_list<std::string_view> absent = {},
                                        bool* was_absent = nullptr) const;
  // Records a failure not coming from a call (a malformed answer).
  void Fail(const ServiceCall& call, std::string_view region, std::string_view resource,
            const absl::Status& status) const;
};

}  // namespace perimeter::collect

#endif  // PERIMETER_COLLECT_SCOPE_H_
