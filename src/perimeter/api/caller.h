// The verified caller of an operation, as the wire layer hands it to the services.
#ifndef PERIMETER_API_CALLER_H_
#define PERIMETER_API_CALLER_H_

#include <string>

namespace perimeter::api {

// Who is calling: the account and principal a verified access key belongs to, and the region of the
// request's credential scope.
struct Caller {
  std::string account_id;
  std::string principal_arn;
  std::string region;
};

}  // namespace perimeter::api

#endif  // PERIMETER_API_CALLER_H_
