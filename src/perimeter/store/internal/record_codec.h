// The store's own persistence format for the parts of records that are not columns: a finding's
// body and string maps, as compact JSON. Not an AWS shape (api/ writes those); it must only
// round-trip. The witness and explanation of a finding are not kept: they are refreshed by every
// analysis.
#ifndef PERIMETER_STORE_INTERNAL_RECORD_CODEC_H_
#define PERIMETER_STORE_INTERNAL_RECORD_CODEC_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "perimeter/findings/finding.h"

namespace perimeter::store::internal {

std::string EncodeFinding(const findings::Finding& finding);
// InternalError ("corrupt finding body") when `text` is not what EncodeFinding writes.
absl::StatusOr<findings::Finding> DecodeFinding(std::string_view text);

std::string EncodeStringMap(const std::map<std::string, std::string>& map);
absl::StatusOr<std::map<std::string, std::string>> DecodeStringMap(std::string_view text);

}  // namespace perimeter::store::internal

#endif  // PERIMETER_STORE_INTERNAL_RECORD_CODEC_H_
