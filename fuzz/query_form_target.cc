// Fuzz target for the AWS query protocol's form decoding and XML escaping (api/query_protocol.h),
// which read what STS clients send, and for the STS handler over an arbitrary form body.
#include <string>

#include "fuzz/fuzz_targets.h"
#include "perimeter/api/query_protocol.h"
#include "perimeter/api/sts_operations.h"

namespace perimeter::fuzz {

// A decoded form respects its bounds; every escaped value is well-formed XML character data; the
// STS handler answers every body with a status of the query protocol, never fails.
int FuzzQueryForm(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto decoded = api::DecodeForm(text);
  if (const auto* form = std::get_if<api::FormParameters>(&decoded)) {
    FuzzCheck(form->size() <= api::kMaxFormParameters, "at most kMaxFormParameters");
    for (const auto& [name, value] : *form) {
      FuzzCheck(name.size() <= api::kMaxFormNameBytes, "names within kMaxFormNameBytes");
      std::string escaped = api::XmlEscape(value);
      FuzzCheck(escaped.find('<') == std::string::npos, "no raw '<' in escaped text");
      for (char c : escaped) {
        FuzzCheck(static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n',
                  "no control character XML cannot hold");
      }
    }
  } else {
    FuzzCheck(std::get<api::AwsError>(decoded).code == "MalformedQueryString",
              "a refused form is MalformedQueryString");
  }
  api::Caller caller{"111122223333", "arn:aws:iam::111122223333:user/fuzz", "us-east-1"};
  api::ApiResponse response = api::HandleSts(
      caller, api::StsRequest{"POST", "", "application/x-www-form-urlencoded", text}, "fuzz");
  FuzzCheck(response.status == 200 || response.status == 400 || response.status == 404,
            "STS answers 200, 400 or 404");
  return 0;
}

}  // namespace perimeter::fuzz
