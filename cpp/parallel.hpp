// A small thread pool-free parallel loop for the drivers of cpp/istft.cpp and cpp/hpss.cpp (the
// same scheme as extract.cpp's: workers pull item indices from an atomic counter; the first
// exception is rethrown after every worker has joined).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace genrefx {

// The machine's hardware threads, read once: glibc reads /sys/devices/system/cpu/online on every
// std::thread::hardware_concurrency() call (an open, a read and a close: ~5 us each, four times
// per extract call, which a 3-s segment's extract noticed).
inline unsigned hardware_threads() {
    static const unsigned hw = std::thread::hardware_concurrency();
    return hw;
}

// Workers for n_items: at most n_threads, the machine's hardware threads, and n_items (>= 1).
inline int worker_count(int n_threads, int64_t n_items) {
    const unsigned hw = hardware_threads();
    int64_t cap = std::max(1, n_threads);
    if (hw > 0) cap = std::min<int64_t>(cap, hw);
    return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(cap, n_items)));
}

// Runs fn(item, worker) for item in [0, n_items) on worker_count(n_threads, n_items) threads
// (worker < that count).
template <class Fn>
void parallel_items(int64_t n_items, int n_threads, Fn&& fn) {
    const int workers = worker_count(n_threads, n_items);
    if (workers <= 1) {
        for (int64_t i = 0; i < n_items; ++i) fn(i, 0);
        return;
    }
    std::atomic<int64_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto body = [&](int worker) {
        try {
            for (int64_t i = next++; i < n_items; i = next++) fn(i, worker);
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            next = n_items;
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(workers - 1);
    try {
        for (int w = 1; w < workers; ++w) threads.emplace_back(body, w);
    } catch (const std::system_error&) {
        // no more threads to be had: the ones started (and this one) share the items
    }
    body(0);
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace genrefx
