// A raw HTTP/1.1 client socket on 127.0.0.1 for the transport and server tests: sends bytes exactly
// as given (slow, malformed, oversized requests) and reads what comes back. Reads give up after 5
// s, so a test never hangs.
#ifndef PERIMETER_SERVER_RAW_TEST_CLIENT_H_
#define PERIMETER_SERVER_RAW_TEST_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>

namespace perimeter::server::testing_client {

// A client socket on 127.0.0.1 whose reads give up after 5 s, so that no test can hang.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { close(fd_); }
  bool connected() const { return connected_; }
  // False once the server closed the connection.
  bool Send(std::string_view data) {
    return send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Reads until `marker` has arrived (or the connection ends, or 5 s pass); returns what came.
  std::string ReadUntil(std::string_view marker) {
    std::string out;
    char buffer[4096];
    while (out.find(marker) == std::string::npos) {
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }
  // A whole response with a Content-Length body.
  std::string ReadResponse() {
    std::string out = ReadUntil("\r\n\r\n");
    size_t at = out.find("Content-Length: ");
    size_t end = out.find("\r\n\r\n");
    if (at == std::string::npos || end == std::string::npos) return out;
    size_t length = std::stoul(out.substr(at + 16));
    while (out.size() < end + 4 + length) {
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }
  // True when the server closed the connection (a read gives end of file or a reset) within 5 s.
  bool ClosedByServer() {
    char buffer[4096];
    while (true) {
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace perimeter::server::testing_client

#endif  // PERIMETER_SERVER_RAW_TEST_CLIENT_H_
