// Status propagation macros for absl::Status / absl::StatusOr at module boundaries.
#ifndef PERIMETER_BASE_STATUS_MACROS_H_
#define PERIMETER_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PERIMETER_CONCAT_INNER_(a, b) a##b
#define PERIMETER_CONCAT_(a, b) PERIMETER_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                                                 \
  do {                                                                        \
    if (::absl::Status perimeter_status_ = (expr); !perimeter_status_.ok()) { \
      return perimeter_status_;                                               \
    }                                                                         \
  } while (false)

// ASSIGN_OR_RETURN(lhs, expr): evaluates the StatusOr `expr`; on error returns its status,
// otherwise moves its value into `lhs` (which may be a declaration such as `auto x`).
#define ASSIGN_OR_RETURN(lhs, expr) \
  PERIMETER_ASSIGN_OR_RETURN_IMPL_(PERIMETER_CONCAT_(perimeter_statusor_, __LINE__), lhs, expr)

#define PERIMETER_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()

#endif  // PERIMETER_BASE_STATUS_MACROS_H_
