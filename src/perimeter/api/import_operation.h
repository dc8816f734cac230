// Perimeter's own operation POST /perimeter/import (signed for service access-analyzer;
// docs/server.md, "Imports: whose record is it"): an inventory (docs/inventory.md) in the body, or
// one of the unused-access inputs (docs/inventory.md, "Unused access inputs"), kept as the
// caller's. A caller may import only resources and account records of its own account, and the
// management account also organization records (service::ImportRefusal); one record of another
// account refuses the whole import (AccessDeniedException) and nothing is written. The reply says
// what was imported:
// {"imported": N, "skipped": N, "issues": [{severity, code, line, column, message}]}.
#ifndef PERIMETER_API_IMPORT_OPERATION_H_
#define PERIMETER_API_IMPORT_OPERATION_H_

#include <functional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "perimeter/api/aws_error.h"
#include "perimeter/api/caller.h"
#include "perimeter/service/environment.h"
#include "perimeter/service/inventory_catalog.h"

namespace perimeter::api {

// Stores the accepted records and brings the environment, the catalog and the analysis up to date
// (the server's; an error is answered as InternalServerException).
using ApplyImport = std::function<absl::Status(const service::SplitInventory& split)>;

// Answers the import of `body` by `caller` at `now` into `environment`. REQUIRES: imports are
// serialised by the caller (the environment must not change until `apply` returns).
ApiResponse ImportInventory(const Caller& caller, std::string_view body, absl::Time now,
                            const service::Environment& environment, const ApplyImport& apply);

}  // namespace perimeter::api

#endif  // PERIMETER_API_IMPORT_OPERATION_H_
