#include "http/server.h"

#include "http/worker.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace smlapi::http {

namespace asio = boost::asio;

Server::Server(ServerConfig config, Handler& handler)
    : config_(std::move(config)),
      handler_(handler),
      budget_(std::make_unique<ConnectionBudget>(config_.limits, config_.proxies)) {}

Server::~Server() {
  if (!threads_.empty()) shutdown(std::chrono::milliseconds(0));
}

void Server::start() {
  unsigned count = config_.threads != 0 ? config_.threads : std::thread::hardware_concurrency();
  if (count == 0) count = 1;
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(config_.host), config_.port);
  for (unsigned i = 0; i < count; ++i) {
    auto worker =
        std::make_unique<Worker>(i, config_.limits, handler_, *budget_, config_.tls.get());
    worker->listen(endpoint);
    if (i == 0) {
      bound_port_ = worker->local_port();
      endpoint.port(bound_port_);  // --port 0: the others join the port the kernel chose
    }
    workers_.push_back(std::move(worker));
  }
  for (auto& worker : workers_) threads_.emplace_back([w = worker.get()] { w->run(); });
}

void Server::post(unsigned worker, std::function<void()> work) {
  asio::post(workers_[worker % workers_.size()]->io(), std::move(work));
}

void Server::begin_drain() {
  for (auto& worker : workers_) worker->begin_drain();
}

bool Server::shutdown(std::chrono::milliseconds deadline) {
  for (auto& worker : workers_) worker->drain();
  // Wait for the loops to run dry, then stop whatever is left.
  std::mutex mutex;
  std::condition_variable done;
  std::atomic<std::size_t> finished{0};
  std::vector<std::thread> joiners;
  for (auto& thread : threads_) {
    joiners.emplace_back([&] {
      thread.join();
      finished.fetch_add(1);
      std::lock_guard lock(mutex);
      done.notify_one();
    });
  }
  bool in_time;
  {
    std::unique_lock lock(mutex);
    in_time = done.wait_for(lock, deadline, [&] { return finished.load() == threads_.size(); });
  }
  if (!in_time) {
    for (auto& worker : workers_) worker->stop_now();
  }
  for (auto& joiner : joiners) joiner.join();
  threads_.clear();
  return in_time;
}

}  // namespace smlapi::http
