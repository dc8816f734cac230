#include "perimeter/api/import_operation.h"

#include <optional>
#include <string>
#include <utility>

#include "perimeter/json/writer.h"

namespace perimeter::api {

ApiResponse ImportInventory(const Caller& caller, std::string_view body, absl::Time now,
                            const service::Environment& environment, const ApplyImport& apply) {
  // An unused-access input (one of AWS's exports) is kept whole as the caller's; anything else is
  // an inventory.
  std::optional<service::SplitInventory> unused_input =
      service::SplitUnusedAccessInput("<request>", std::string(body), now, caller.account_id);
  service::SplitInventory split =
      unused_input ? std::move(*unused_input)
                   : service::SplitInventoryFile("<request>", std::string(body), now);
  std::optional<std::string> management =
      environment.organization
          ? std::optional<std::string>(environment.organization->management_account)
          : std::nullopt;
  if (std::optional<std::string> refusal =
          service::ImportRefusal(split, caller.account_id, management)) {
    return RestJsonError(AccessDeniedError(*refusal));
  }
  if (absl::Status status = apply(split); !status.ok()) {
    return RestJsonError(InternalError(std::string(status.message())));
  }
  json::Writer w;
  w.BeginObject().Key("imported").Int(static_cast<int64_t>(split.records.size()));
  w.Key("skipped").Int(static_cast<int64_t>(split.skipped)).Key("issues").BeginArray();
  for (const base::Issue& issue : split.issues) {
    w.BeginObject()
        .Key("severity")
        .String(base::SeverityName(issue.severity))
        .Key("code")
        .String(issue.code);
    w.Key("line").Int(issue.position.line).Key("column").Int(issue.position.column);
    w.Key("message").String(issue.message).EndObject();
  }
  w.EndArray().EndObject();
  return ApiResponse{200, {{"Content-Type", "application/json"}}, std::move(w).Take()};
}

}  // namespace perimeter::api
