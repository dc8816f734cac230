// Fuzz target for the collector's reading of AWS answers (src/perimeter/collect/): the XML reader,
// and every per-service reader fed the same arbitrary bytes as the answer to each of its calls.
#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "fuzz/fuzz_targets.h"
#include "perimeter/collect/services.h"
#include "perimeter/collect/xml.h"
#include "perimeter/json/document.h"

namespace perimeter::fuzz {

namespace {

// Answers the first kCalls calls with the fuzz input (HTTP 200), the rest with no answer, so that
// an input holding a next-page token ends.
class EchoCaller final : public collect::AwsCaller {
 public:
  explicit EchoCaller(std::string_view body) : body_(body) {}
  absl::StatusOr<aws::HttpResponse> Call(const collect::ServiceCall&,
                                         std::string_view) const override {
    if (calls_.fetch_add(1) >= kCalls) return absl::UnavailableError("fuzz: no more answers");
    return aws::HttpResponse{200, {}, std::string(body_)};
  }
  absl::StatusOr<std::unique_ptr<collect::AwsCaller>> AssumeRole(std::string_view, std::string_view,
                                                                 std::string_view) const override {
    return absl::UnimplementedError("fuzz");
  }

 private:
  static constexpr int kCalls = 40;
  std::string_view body_;
  mutable std::atomic<int> calls_{0};
};

// Every record a reader writes is one valid JSON object.
class CheckingSink final : public collect::RecordSink {
 public:
  void Resource(const collect::ResourceRecord& record) override {
    json::ParseResult parsed = json::Parse(collect::ResourceLine(record));
    FuzzCheck(parsed.ok() && parsed.document.root().is_object(), "a resource record is JSON");
  }
  void Error(const collect::CollectionError& error) override {
    json::ParseResult parsed = json::Parse(collect::ErrorLine(error));
    FuzzCheck(parsed.ok() && parsed.document.root().is_object(), "an error record is JSON");
  }
};

}  // namespace

int FuzzAwsAnswers(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::unique_ptr<collect::XmlElement>> xml = collect::ParseXml(text);
  FuzzCheck(!xml.ok() || *xml != nullptr, "a parsed XML answer has a root");
  CheckingSink sink;
  for (int reader = 0; reader < 3; ++reader) {
    EchoCaller caller(text);
    collect::Scope scope{caller, sink, "111122223333", "aws", "us-east-1"};
    if (reader == 0) collect::CollectRegion(scope);
    if (reader == 1) collect::CollectS3Buckets(scope, "us-east-1", {"us-east-1"});
    if (reader == 2) collect::CollectIamRoles(scope, "us-east-1");
  }
  return 0;
}

}  // namespace perimeter::fuzz
