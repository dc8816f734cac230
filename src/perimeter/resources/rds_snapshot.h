// Amazon RDS DB snapshots (AWS::RDS::DBSnapshot) and DB cluster snapshots
// (AWS::RDS::DBClusterSnapshot): shared through the manual snapshot's "restore"
// attribute, which holds account ids or "all" (Access Analyzer API,
// "RdsDbSnapshotConfiguration" / "RdsDbClusterSnapshotConfiguration":
// attributes map name → {accountIds}; IAM User Guide, "IAM Access Analyzer
// resource types for external access"). Encrypted snapshots (`kmsKeyId`) can be
// shared only with specific accounts, never with "all". Actions a sharing
// account gains (docs/access-analyzer-rules.md §5.7, Q12): DB snapshots
// rds:RestoreDBInstanceFromDBSnapshot and rds:CopyDBSnapshot; cluster snapshots
// rds:RestoreDBClusterFromSnapshot and rds:CopyDBClusterSnapshot.
#ifndef PERIMETER_RESOURCES_RDS_SNAPSHOT_H_
#define PERIMETER_RESOURCES_RDS_SNAPSHOT_H_

#include <string>
#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

std::vector<base::Issue> CheckRdsDbSnapshotConfiguration(const json::Value &configuration,
                                                         const RecordLocation &location);
std::vector<base::Issue> CheckRdsDbClusterSnapshotConfiguration(const json::Value &configuration,
                                                                const RecordLocation &location);

// What internal access needs of a snapshot (analysis/internal_access_analysis.h): the catalogue's
// rds actions on its resource type ("snapshot" / "cluster-snapshot") at its ARN, and the accounts
// its "restore" attribute shares it with ("all" for everyone; an encrypted snapshot cannot be
// shared with "all", so "all" is left out for it; what cannot be read is left out, the inventory's
// check reports it).
std::vector<reasoning::ResourceTarget> RdsDbSnapshotTargets(const Resource &resource);
std::vector<reasoning::ResourceTarget> RdsDbClusterSnapshotTargets(const Resource &resource);
std::vector<std::string> RdsSnapshotRestoreAccounts(const Resource &resource);
// The actions a sharing account gains on a DB snapshot / DB cluster snapshot (above).
std::vector<std::string> RdsSnapshotSharedActions(ResourceType type);

ResourceAnalysis AnalyzeRdsDbSnapshot(const Resource &resource, const AccountSettings *account,
                                      const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);
ResourceAnalysis AnalyzeRdsDbClusterSnapshot(const Resource &resource,
                                             const AccountSettings *account,
                                             const reasoning::ZoneOfTrust &zone,
                                             PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_RDS_SNAPSHOT_H_
