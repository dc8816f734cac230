// `perimeter import FILE --endpoint-url URL [--profile P]`: sends an inventory file
// (docs/inventory.md) to a running `perimeter serve` (POST /perimeter/import, SigV4-signed for
// service access-analyzer with the credentials the AWS CLI would use: aws/client/credentials.h;
// sent by aws/client/signed_client.h, which retries throttling and 5xx answers). The server stores
// the records and analyzes each imported resource at once; the command prints what was imported and
// the problems the server found in the file, with their positions.
#ifndef PERIMETER_CLI_IMPORT_COMMAND_H_
#define PERIMETER_CLI_IMPORT_COMMAND_H_

#include <iosfwd>
#include <optional>
#include <string>

#include "perimeter/aws/client/credentials.h"
#include "perimeter/base/clock.h"

namespace perimeter::cli {

struct ImportOptions {
  std::string input;                   // a file, or "-" for standard input
  std::string endpoint_url;            // http://HOST:PORT
  std::optional<std::string> profile;  // --profile
  std::optional<std::string> region;   // --region (any region signs; the server ignores it for
                                       // imports); else the AWS CLI's, else us-east-1
};

// Returns 0 when every record was imported, 2 when the file cannot be read, the server cannot be
// reached or refuses the request (its AWS error is printed), or records were skipped.
int RunImport(const ImportOptions& options, std::istream& in, std::ostream& out, std::ostream& err,
              const aws::CredentialSources& sources, const base::Clock& clock);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_IMPORT_COMMAND_H_
