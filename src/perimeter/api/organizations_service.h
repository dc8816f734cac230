// AWS Organizations (JSON 1.1, X-Amz-Target: AWSOrganizationsV20161128.<Operation>): the operations
// an Access Analyzer set-up and the collector (docs/collect.md) use — DescribeOrganization,
// ListAccounts, DescribeAccount, ListRoots, ListParents, ListOrganizationalUnitsForParent (the tree
// of the members' OU paths),
// EnableAWSServiceAccess, DisableAWSServiceAccess, ListAWSServiceAccessForOrganization,
// RegisterDelegatedAdministrator, DeregisterDelegatedAdministrator, ListDelegatedAdministrators,
// ListDelegatedServicesForAccount.
//
// Rules, as the Organizations API reference states them:
//  - an account outside any organization gets AWSOrganizationsNotInUseException;
//  - DescribeOrganization may be called by any member; ListAccounts, DescribeAccount,
//    ListDelegatedAdministrators and ListDelegatedServicesForAccount by the management account or a
//    delegated administrator; everything that changes state only by the management account
//    (AccessDeniedException otherwise);
//  - the management account cannot be a delegated administrator (ConstraintViolationException
//    CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR); registering twice is
//    AccountAlreadyRegisteredException; deregistering or listing the services of an account that is
//    not registered is AccountNotRegisteredException; unknown accounts are
//    AccountNotFoundException.
// Disabling trusted access or deregistering a delegated administrator of
// access-analyzer.amazonaws.com changes the status of organization analyzers: `on_change` is called
// after every change of state.
#ifndef PERIMETER_API_ORGANIZATIONS_SERVICE_H_
#define PERIMETER_API_ORGANIZATIONS_SERVICE_H_

#include <functional>
#include <memory>
#include <string_view>

#include "perimeter/api/aws_error.h"
#include "perimeter/api/caller.h"
#include "perimeter/base/clock.h"
#include "perimeter/service/environment.h"
#include "perimeter/store/store.h"

namespace perimeter::api {

inline constexpr std::string_view kOrganizationsTargetPrefix = "AWSOrganizationsV20161128.";

class OrganizationsService {
 public:
  OrganizationsService(store::Store& store, service::EnvironmentSource environment,
                       const base::Clock& clock, std::function<void()> on_change)
      : store_(store),
        environment_(std::move(environment)),
        clock_(clock),
        on_change_(std::move(on_change)) {}

  // `operation` is the X-Amz-Target suffix ("DescribeOrganization"); `body` the JSON request.
  ApiResponse Handle(const Caller& caller, std::string_view operation, std::string_view body);

 private:
  store::Store& store_;
  service::EnvironmentSource environment_;
  const base::Clock& clock_;
  std::function<void()> on_change_;
};

}  // namespace perimeter::api

#endif  // PERIMETER_API_ORGANIZATIONS_SERVICE_H_
