// genrefx._core: the Python binding. The Python layer (python/genrefx) validates every argument
// and hands over C-contiguous float32 arrays of shape (B, n) or (B, F, T); this file only checks
// what it must to stay memory-safe, allocates the outputs, and releases the GIL while computing.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include "dispatch.hpp"
#include "extract.hpp"
#include "plans.hpp"
#include "recipes.hpp"
#include "stats.hpp"

namespace py = pybind11;
using namespace genrefx;

namespace {

using f32 = py::array_t<float, py::array::c_style | py::array::forcecast>;
using f64 = py::array_t<double, py::array::c_style | py::array::forcecast>;
using i32 = py::array_t<int32_t, py::array::c_style | py::array::forcecast>;

// A framing and window, reusable across calls (the FFT plan is shared by n_fft).
class StftPlan {
public:
    StftPlan(int n_fft, int hop_length, f64 window, bool center, const std::string& pad_mode) {
        if (n_fft < 1) throw std::invalid_argument("n_fft=" + std::to_string(n_fft) + " must be positive");
        if (hop_length < 1) {
            throw std::invalid_argument("hop_length=" + std::to_string(hop_length) + " must be positive");
        }
        if (window.ndim() != 1 || window.shape(0) != n_fft) {
            throw std::invalid_argument("window must have n_fft=" + std::to_string(n_fft) + " samples");
        }
        framing_.n_fft = n_fft;
        framing_.hop = hop_length;
        framing_.center = center;
        framing_.pad = parse_pad_mode(pad_mode);
        window64_.assign(window.data(), window.data() + n_fft);
        window_.assign(window64_.begin(), window64_.end());
        fft_ = RfftPlan::get(n_fft);
    }
    const Framing& framing() const { return framing_; }
    const RfftPlan& fft() const { return *fft_; }
    const float* window() const { return window_.data(); }
    const double* window64() const { return window64_.data(); }

private:
    Framing framing_;
    std::vector<float> window_;
    std::vector<double> window64_;
    std::shared_ptr<const RfftPlan> fft_;
};

// estimate_tuning's histogram has ceil(1 / resolution) bins: bounded below so that their count
// stays an int and their memory small (1e-6: a million bins; librosa allows any value in (0, 1)).
constexpr double kMinTuningResolution = 1e-6;
void check_tuning_resolution(double resolution) {
    if (!(resolution >= kMinTuningResolution && resolution < 1.0)) {
        throw std::invalid_argument("resolution must be in [1e-06, 1)");
    }
}

const float* signals(const f32& y, int64_t& B, int64_t& n) {
    if (y.ndim() != 2) throw std::invalid_argument("y must be 2-D (signals, samples)");
    B = y.shape(0);
    n = y.shape(1);
    if (n < 1) throw std::invalid_argument("y must not be empty");
    return y.data();
}

template <class T>
T get(const py::dict& d, const char* key, T fallback) {
    if (!d.contains(key) || d[key].is_none()) return fallback;
    return d[key].cast<T>();
}

// Parses the request dict (see python/genrefx/_request.py) and allocates the outputs.
struct Prepared {
    Request req;
    Outputs out;
    py::dict arrays;
    std::vector<std::string> features;
    // keep-alive for arrays referenced by pointer
    f64 bw_centroid_arr;
};

void prepare(Prepared& p, const py::dict& d, int64_t B, int64_t F, int64_t T) {
    Request& r = p.req;
    for (auto item : d["features"]) p.features.push_back(item.cast<std::string>());
    r.sr = get<double>(d, "sr", 22050.0);
    r.fft64 = get<bool>(d, "fft64", false);
    r.independent = get<bool>(d, "independent", false);
    if (d.contains("freq") && !d["freq"].is_none()) {
        f64 freq = d["freq"].cast<f64>();
        if (freq.ndim() != 1 || freq.shape(0) != F) {
            throw std::invalid_argument("freq must have " + std::to_string(F) + " entries");
        }
        r.freq.assign(freq.data(), freq.data() + F);
    } else {
        r.freq.resize(F);
        const double nfft = 2.0 * static_cast<double>(F - 1);
        for (int64_t k = 0; k < F; ++k) r.freq[k] = static_cast<double>(k) * (1.0 / (nfft * (1.0 / r.sr)));
    }
    auto alloc32 = [&](const std::string& name, int64_t rows) {
        py::array_t<float> a({B, rows, T});
        p.arrays[name.c_str()] = a;
        return a.mutable_data();
    };
    auto alloc64 = [&](const std::string& name, int64_t rows) {
        py::array_t<double> a({B, rows, T});
        p.arrays[name.c_str()] = a;
        return a.mutable_data();
    };
    for (const std::string& f : p.features) {
        if (f == "stft") {
            // frame-major (B, T, F): returned as its (B, F, T) transpose, Fortran-ordered per
            // signal like librosa's
            py::array_t<std::complex<float>> a({B, T, F});
            p.arrays["stft"] = a.attr("transpose")(0, 2, 1);
            p.out.stft = a.mutable_data();
            r.stft = true;
        } else if (f == "stft64") {
            // complex128 from the float64 FFT (float64 audio's stft): frame-major as "stft"
            py::array_t<std::complex<double>> a({B, T, F});
            p.arrays["stft64"] = a.attr("transpose")(0, 2, 1);
            p.out.stft64 = a.mutable_data();
            r.stft64 = true;
            r.fft64 = true;
        } else if (f == "melspectrogram" || f == "mfcc") {
            if (!r.mel_bank) {
                auto bank = d["mel_bank"].cast<std::shared_ptr<SparseBank>>();
                if (!bank) throw std::invalid_argument("mel_bank is None");
                if (bank->n_bins() != F) throw std::invalid_argument("mel filterbank does not match n_fft");
                r.mel_bank = bank;
                const double power = get<double>(d, "mel_power", 2.0);
                if (power != 1.0 && power != 2.0) throw std::invalid_argument("mel_power must be 1 or 2");
                r.mel_magnitude = power == 1.0;
            }
            if (f == "melspectrogram") {
                r.mel = true;
                p.out.mel = alloc32(f, r.mel_bank->n_rows());
            } else {
                r.mfcc = true;
                f32 dct = d["dct"].cast<f32>();
                if (dct.ndim() != 2 || dct.shape(1) != r.mel_bank->n_rows()) {
                    throw std::invalid_argument("dct matrix must be (n_mfcc, n_mels)");
                }
                r.n_mfcc = static_cast<int>(dct.shape(0));
                // bin-major (n_mels, n_mfcc), KernelTable::dense_bank's layout
                const size_t n_mels = static_cast<size_t>(dct.shape(1)), n_mfcc = static_cast<size_t>(r.n_mfcc);
                r.dct.resize(dct.size());
                for (size_t c = 0; c < n_mfcc; ++c) {
                    for (size_t k = 0; k < n_mels; ++k) r.dct[k * n_mfcc + c] = dct.data()[c * n_mels + k];
                }
                r.top_db = get<double>(d, "top_db", -1.0);
                r.db_amin = get<float>(d, "db_amin", 1e-10f);
                p.out.mfcc = alloc32(f, r.n_mfcc);
            }
        } else if (f == "chroma_stft") {
            r.chroma = true;
            r.n_chroma = get<int>(d, "n_chroma", 12);
            r.chroma_n_fft = get<int>(d, "chroma_n_fft", static_cast<int>(2 * (F - 1)));
            if (r.chroma_n_fft < 2) throw std::invalid_argument("chroma_stft needs chroma_n_fft >= 2");
            if (r.chroma_n_fft / 2 + 1 != F) throw std::invalid_argument("chroma_n_fft does not match the bins");
            r.estimate_tuning = !d.contains("tuning") || d["tuning"].is_none();
            r.tuning = get<double>(d, "tuning", 0.0);
            r.ctroct = get<double>(d, "ctroct", 5.0);
            r.octwidth = get<double>(d, "octwidth", 0.0);
            r.base_c = get<bool>(d, "base_c", true);
            r.chroma_norm = get<double>(d, "chroma_norm", 0.0);
            p.out.chroma = alloc32(f, r.n_chroma);
        } else if (f == "spectral_centroid") {
            r.centroid = true;
            p.out.centroid = alloc64(f, 1);
        } else if (f == "spectral_bandwidth") {
            r.bandwidth = true;
            r.bw_p = get<double>(d, "bw_p", 2.0);
            r.bw_norm = get<bool>(d, "bw_norm", true);
            if (d.contains("bw_centroid") && !d["bw_centroid"].is_none()) {
                p.bw_centroid_arr = d["bw_centroid"].cast<f64>();
                if (p.bw_centroid_arr.size() != B * T) throw std::invalid_argument("centroid shape mismatch");
                r.bw_centroid = p.bw_centroid_arr.data();
            }
            p.out.bandwidth = alloc64(f, 1);
        } else if (f == "spectral_contrast") {
            r.contrast = true;
            i32 lo = d["contrast_lo"].cast<i32>(), hi = d["contrast_hi"].cast<i32>(),
                cnt = d["contrast_count"].cast<i32>();
            const int64_t nb = lo.size();
            if (hi.size() != nb || cnt.size() != nb || nb < 1) throw std::invalid_argument("contrast bands");
            for (int64_t k = 0; k < nb; ++k) {
                if (lo.data()[k] < 0 || hi.data()[k] > F || hi.data()[k] <= lo.data()[k] ||
                    cnt.data()[k] < 1 || cnt.data()[k] > hi.data()[k] - lo.data()[k]) {
                    throw std::invalid_argument("contrast band " + std::to_string(k) + " is empty or out of range");
                }
            }
            r.contrast_lo.assign(lo.data(), lo.data() + nb);
            r.contrast_hi.assign(hi.data(), hi.data() + nb);
            r.contrast_count.assign(cnt.data(), cnt.data() + nb);
            r.contrast_linear = get<bool>(d, "contrast_linear", false);
            r.top_db = get<double>(d, "top_db", 80.0);
            p.out.contrast = alloc64(f, nb);
        } else if (f == "spectral_rolloff") {
            r.rolloff = true;
            r.roll_percent = get<float>(d, "roll_percent", 0.85f);
            p.out.rolloff = alloc64(f, 1);
        } else if (f == "spectral_flatness") {
            r.flatness = true;
            r.flat_amin = get<float>(d, "flat_amin", 1e-10f);
            r.flat_power = get<float>(d, "flat_power", 2.0f);
            r.flat_sum_mode = get<int>(d, "flat_sum_mode", 1);
            p.out.flatness = alloc32(f, 1);
        } else if (f == "rms_spectrum") {
            r.rms_spectrum = true;
            r.rms_frame_length = get<int>(d, "rms_frame_length", static_cast<int>(2 * (F - 1)));
            r.rms_mean_of_bins = get<bool>(d, "rms_mean_of_bins", false);
            if (r.rms_frame_length / 2 + 1 != F) {
                throw std::invalid_argument("rms_frame_length does not match the spectrum's bins");
            }
            p.out.rms_spectrum = alloc32(f, 1);
        } else if (f == "estimate_tuning") {
            r.tuning_estimate = true;
            r.tuning_bins_per_octave = get<int>(d, "bins_per_octave", 12);
            r.tuning_resolution = get<double>(d, "resolution", 0.01);
            r.tuning_n_fft = get<double>(d, "tuning_n_fft", 0.0);
            r.tuning_fmin = get<double>(d, "tuning_fmin", 150.0);
            r.tuning_fmax = get<double>(d, "tuning_fmax", 4000.0);
            r.tuning_threshold = static_cast<float>(get<double>(d, "tuning_threshold", 0.1));
            if (r.tuning_bins_per_octave < 1) throw std::invalid_argument("bins_per_octave must be positive");
            if (r.tuning_n_fft != 0.0 && static_cast<int64_t>(r.tuning_n_fft) / 2 + 1 != F) {
                throw std::invalid_argument("tuning_n_fft does not match the spectrum's bins");
            }
            check_tuning_resolution(r.tuning_resolution);
        } else if (f == "rms") {
            r.rms = true;
            p.out.rms = alloc32(f, 1);
        } else {
            throw std::invalid_argument("unknown feature '" + f + "'");
        }
    }
}

// A joint value: a float, or an array of one per signal with Request::independent.
py::object joint_value(const Prepared& p, const std::vector<double>& v) {
    if (!p.req.independent) return py::float_(v.empty() ? 0.0 : v[0]);
    py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
}

py::dict finish(Prepared& p) {
    if (p.req.chroma) p.arrays["tuning"] = joint_value(p, p.out.tunings);
    if (p.req.tuning_estimate) p.arrays["estimate_tuning"] = joint_value(p, p.out.estimated_tunings);
    return p.arrays;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "genrefx's C++/SIMD core. Use the genrefx package, not this module.";
    m.attr("__version__") = GENREFX_VERSION;


    m.def("simd_level", []() { return std::string(kernels().level); });
    m.def("available_levels", &available_levels);
    m.def("simd_cap", &simd_cap);
    m.def("lanes", []() { return kernels().lanes; });

    py::class_<StftPlan>(m, "StftPlan")
        .def(py::init<int, int, f64, bool, const std::string&>(), py::arg("n_fft"),
             py::arg("hop_length"), py::arg("window"), py::arg("center"), py::arg("pad_mode"))
        .def_property_readonly("n_fft", [](const StftPlan& p) { return p.framing().n_fft; })
        .def_property_readonly("hop_length", [](const StftPlan& p) { return p.framing().hop; })
        .def("n_frames", [](const StftPlan& p, int64_t n) { return count_frames(p.framing(), n); });

    py::class_<SparseBank, std::shared_ptr<SparseBank>>(m, "SparseBank")
        .def(py::init([](f32 dense) {
            if (dense.ndim() != 2) throw std::invalid_argument("filterbank must be 2-D");
            return std::make_shared<SparseBank>(dense.data(), static_cast<int>(dense.shape(0)),
                                                static_cast<int>(dense.shape(1)));
        }))
        .def_property_readonly("n_rows", &SparseBank::n_rows)
        .def_property_readonly("n_bins", &SparseBank::n_bins);

    m.def(
        "extract",
        [](const StftPlan& plan, f32 y, py::dict request, int n_threads, py::object y64) {
            int64_t B, n;
            const float* data = signals(y, B, n);
            const int64_t T = count_frames(plan.framing(), n);
            if (T < 0) throw std::invalid_argument("y is shorter than n_fft with center=False");
            // (the float64 copy is kept alive by y64_arr until the call returns)
            f64 y64_arr;
            const double* data64 = nullptr;
            if (!y64.is_none()) {
                y64_arr = y64.cast<f64>();
                if (y64_arr.ndim() != 2 || y64_arr.shape(0) != B || y64_arr.shape(1) != n) {
                    throw std::invalid_argument("y64 must have y's shape (signals, samples)");
                }
                data64 = y64_arr.data();
            }
            Prepared p;
            prepare(p, request, B, plan.fft().n_bins(), T);
            {
                py::gil_scoped_release release;
                run_from_signal(kernels(), plan.fft(), plan.window(), plan.window64(), plan.framing(), data,
                                data64, B, n, p.req, p.out, n_threads);
            }
            return finish(p);
        },
        py::arg("plan"), py::arg("y"), py::arg("request"), py::arg("n_threads") = 1,
        py::arg("y64") = py::none());

    m.def(
        "spectral",
        [](f32 S, py::dict request, int n_threads) {
            if (S.ndim() != 3) throw std::invalid_argument("S must be 3-D (signals, bins, frames)");
            const int64_t B = S.shape(0), F = S.shape(1), T = S.shape(2);
            if (F < 2) throw std::invalid_argument("S must have at least 2 frequency bins");
            for (auto item : request["features"]) {
                const std::string name = item.cast<std::string>();
                if (name == "stft" || name == "stft64" || name == "rms") {
                    throw std::invalid_argument(name + " is computed from a signal, not from S");
                }
            }
            Prepared p;
            prepare(p, request, B, F, T);
            {
                py::gil_scoped_release release;
                run_from_spectrum(kernels(), S.data(), B, F, T, p.req, p.out, n_threads);
            }
            return finish(p);
        },
        py::arg("S"), py::arg("request"), py::arg("n_threads") = 1);

    m.def(
        "cqt_octave",
        [](const StftPlan& plan, f32 y, i32 indptr, i32 indices,
           py::array_t<std::complex<float>, py::array::c_style | py::array::forcecast> data,
           std::optional<py::array_t<double, py::array::c_style | py::array::forcecast>> row_scale,
           int n_threads) {
            int64_t B, n;
            const float* samples = signals(y, B, n);
            const int64_t rows = indptr.size() - 1;
            const int64_t nnz = indices.size();
            if (rows < 1 || data.size() != nnz || indptr.data()[0] != 0 || indptr.data()[rows] != nnz) {
                throw std::invalid_argument("basis is not a CSR matrix (indptr, indices, data)");
            }
            const int64_t F = plan.fft().n_bins();
            for (int64_t m = 0; m < rows; ++m) {
                if (indptr.data()[m + 1] < indptr.data()[m]) throw std::invalid_argument("basis indptr must not decrease");
            }
            for (int64_t j = 0; j < nnz; ++j) {
                if (indices.data()[j] < 0 || indices.data()[j] >= F) {
                    throw std::invalid_argument("basis column " + std::to_string(indices.data()[j]) +
                                                " is outside the " + std::to_string(F) + " FFT bins");
                }
            }
            const double* scale = nullptr;
            if (row_scale) {
                if (row_scale->ndim() != 1 || row_scale->size() != rows) {
                    throw std::invalid_argument("row_scale must have one value per basis row (" +
                                                std::to_string(rows) + ")");
                }
                scale = row_scale->data();
            }
            const int64_t T = count_frames(plan.framing(), n);
            if (T < 0) throw std::invalid_argument("y is shorter than n_fft with center=False");
            py::array_t<std::complex<float>> out({B, rows, T});
            ComplexSparseView view{static_cast<int>(rows), indptr.data(), indices.data(),
                                   reinterpret_cast<const float*>(data.data())};
            std::complex<float>* dst = out.mutable_data();
            {
                py::gil_scoped_release release;
                cqt_octave_response(kernels(), plan.fft(), plan.window64(), plan.framing(), samples, B,
                                    n, view, scale, dst, n_threads);
            }
            return out;
        },
        py::arg("plan"), py::arg("y"), py::arg("indptr"), py::arg("indices"), py::arg("data"),
        py::arg("row_scale") = py::none(), py::arg("n_threads") = 1);

    m.def(
        "divide",
        [](py::array_t<float, py::array::c_style> x, double divisor, py::array out_array) {
            // out is written in place: a converted copy (pybind11's for a strided or other-dtype
            // array) would take the result and be thrown away
            if (!py::isinstance<py::array_t<float>>(out_array) ||
                !(out_array.flags() & py::array::c_style) || !out_array.writeable()) {
                throw std::invalid_argument("out must be a writeable C-contiguous float32 array");
            }
            auto out = py::reinterpret_borrow<py::array_t<float>>(out_array);
            if (x.ndim() != 1 || out.ndim() != 1 || out.size() != x.size()) {
                throw std::invalid_argument("x and out must be 1-D arrays of the same length");
            }
            const float* src = x.data();
            float* dst = out.mutable_data();
            const size_t n = static_cast<size_t>(x.size());
            py::gil_scoped_release release;
            kernels().divide(src, n, divisor, dst);
        },
        py::arg("x"), py::arg("divisor"), py::arg("out"));

    m.def(
        "median",
        [](py::array_t<float, py::array::c_style | py::array::forcecast> x) {
            if (x.ndim() != 1) throw std::invalid_argument("x must be a 1-D array");
            std::vector<float> values(x.data(), x.data() + x.size());
            py::gil_scoped_release release;
            return median_of(values);
        },
        py::arg("x"));

    m.def(
        "zero_crossing_rate",
        [](f32 y, int frame_length, int hop_length, bool center, float threshold, bool pad,
           bool zero_pos, int n_threads) {
            int64_t B, n;
            const float* data = signals(y, B, n);
            if (frame_length < 1 || hop_length < 1) throw std::invalid_argument("frame_length and hop_length must be positive");
            Framing fr;
            fr.n_fft = frame_length;
            fr.hop = hop_length;
            fr.center = center;
            const int64_t T = count_frames(fr, n);
            if (T < 0) throw std::invalid_argument("y is shorter than frame_length with center=False");
            py::array_t<double> out({B, int64_t{1}, T});
            double* dst = out.mutable_data();
            {
                py::gil_scoped_release release;
                zero_crossing_rate(kernels(), data, B, n, frame_length, hop_length, center, threshold, pad,
                                   zero_pos, dst, n_threads);
            }
            return out;
        },
        py::arg("y"), py::arg("frame_length"), py::arg("hop_length"), py::arg("center"),
        py::arg("threshold"), py::arg("pad"), py::arg("zero_pos"), py::arg("n_threads") = 1);

    m.def(
        "all_finite",
        [](py::array_t<float, py::array::c_style> x, int n_threads) {
            const float* data = x.data();
            const size_t n = static_cast<size_t>(x.size());
            const KernelTable& K = kernels();
            auto scan = [data, &K](size_t lo, size_t hi) { return K.all_finite(data + lo, hi - lo); };
            bool ok = true;
            {
                py::gil_scoped_release release;
                const size_t parts = std::max<size_t>(
                    1, std::min<size_t>(std::max(1, n_threads), n / (size_t{1} << 18) + 1));
                if (parts <= 1) {
                    ok = scan(0, n);
                } else {
                    std::vector<char> part_ok(parts, 1);
                    std::vector<std::thread> threads;
                    const size_t step = (n + parts - 1) / parts;
                    try {
                        for (size_t p = 1; p < parts; ++p) {
                            threads.emplace_back([&, p] {
                                part_ok[p] = scan(p * step, std::min(n, (p + 1) * step));
                            });
                        }
                    } catch (const std::system_error&) {
                        for (size_t p = threads.size() + 1; p < parts; ++p) {
                            part_ok[p] = scan(p * step, std::min(n, (p + 1) * step));
                        }
                    }
                    part_ok[0] = scan(0, std::min(n, step));
                    for (auto& t : threads) t.join();
                    for (char c : part_ok) ok = ok && c;
                }
            }
            return ok;
        },
        py::arg("x"), py::arg("n_threads") = 1,
        "Whether a C-contiguous float32 array has no NaN or Inf (GIL released).");

    auto row_stats = [](auto x, const std::vector<std::string>& names) {
        if (x.ndim() != 2) throw std::invalid_argument("x must be 2-D (rows, frames)");
        const size_t rows = x.shape(0), frames = x.shape(1);
        if (frames < 1) throw std::invalid_argument("x needs at least one frame");
        std::vector<Stat> stats;
        for (const std::string& n : names) stats.push_back(parse_stat(n));
        py::array_t<float> out(static_cast<py::ssize_t>(stats.size() * rows));
        float* dst = out.mutable_data();
        const auto* data = x.data();
        {
            py::gil_scoped_release release;
            row_statistics(kernels(), data, rows, frames, stats, dst);
        }
        return out;
    };
    m.def(
        "row_stats",
        [row_stats](py::array_t<float, py::array::c_style> x, const std::vector<std::string>& s) {
            return row_stats(x, s);
        },
        py::arg("x"), py::arg("stats"));
    m.def(
        "row_stats",
        [row_stats](py::array_t<double, py::array::c_style | py::array::forcecast> x,
                    const std::vector<std::string>& s) { return row_stats(x, s); },
        py::arg("x"), py::arg("stats"),
        "Statistics of each row over its frames, stat-major float32 (see cpp/stats.hpp).");

    m.def(
        "chroma_filterbank",
        [](double sr, int n_fft, int n_chroma, double tuning, double ctroct, double octwidth,
           bool base_c) {
            if (n_fft < 2) throw std::invalid_argument("n_fft must be at least 2");
            if (n_chroma < 1) throw std::invalid_argument("n_chroma must be positive");
            std::vector<float> fb = chroma_filterbank(sr, n_fft, n_chroma, tuning, ctroct, octwidth, base_c);
            py::array_t<float> out({static_cast<int64_t>(n_chroma), static_cast<int64_t>(n_fft / 2 + 1)});
            std::copy(fb.begin(), fb.end(), out.mutable_data());
            return out;
        },
        py::arg("sr"), py::arg("n_fft"), py::arg("n_chroma"), py::arg("tuning"), py::arg("ctroct"),
        py::arg("octwidth"), py::arg("base_c"));

    m.def(
        "pitch_tuning",
        [](f32 freqs, double resolution, int bins_per_octave) {
            check_tuning_resolution(resolution);
            if (bins_per_octave < 1) throw std::invalid_argument("bins_per_octave must be positive");
            return pitch_tuning(freqs.data(), static_cast<size_t>(freqs.size()), resolution, bins_per_octave);
        },
        py::arg("frequencies"), py::arg("resolution"), py::arg("bins_per_octave"));

    // --- istft and hpss (cpp/istft.cpp, cpp/hpss.cpp) ---
    auto istft_impl = [](auto D, f64 window, int hop, bool center, int64_t n_frames,
                         int64_t out_len, int n_threads) {
        using C = typename decltype(D)::value_type;
        using R = typename C::value_type;
        if (D.ndim() != 3) throw std::invalid_argument("stft_matrix must be 3-D (signals, frames, bins)");
        const int64_t B = D.shape(0), T = D.shape(1), F = D.shape(2);
        const int64_t n_fft = window.ndim() == 1 ? window.shape(0) : 0;
        if (n_fft < 1 || n_fft / 2 + 1 != F) throw std::invalid_argument("window must have n_fft samples, with n_fft // 2 + 1 == bins");
        if (hop < 1) throw std::invalid_argument("hop_length must be positive");
        if (n_frames < 0 || n_frames > T) throw std::invalid_argument("n_frames out of range");
        if (out_len < 0) throw std::invalid_argument("length must be non-negative");
        auto fft = RfftPlan::get(static_cast<int>(n_fft));
        py::array_t<R> y({B, out_len});
        R* dst = y.mutable_data();
        const R* src = reinterpret_cast<const R*>(D.data());
        const double* w = window.data();
        {
            py::gil_scoped_release release;
            if constexpr (std::is_same<R, float>::value) {
                istft(kernels(), *fft, w, src, B, T, n_frames, hop, center, out_len, dst, n_threads);
            } else {
                istft64(kernels(), *fft, w, src, B, T, n_frames, hop, center, out_len, dst, n_threads);
            }
        }
        return y;
    };
    m.def(
        "istft",
        [istft_impl](py::array_t<std::complex<float>, py::array::c_style> D, f64 window, int hop,
                     bool center, int64_t n_frames, int64_t out_len, int n_threads) {
            return istft_impl(D, window, hop, center, n_frames, out_len, n_threads);
        },
        py::arg("D"), py::arg("window"), py::arg("hop_length"), py::arg("center"),
        py::arg("n_frames"), py::arg("length"), py::arg("n_threads") = 1);
    m.def(
        "istft",
        [istft_impl](py::array_t<std::complex<double>, py::array::c_style> D, f64 window, int hop,
                     bool center, int64_t n_frames, int64_t out_len, int n_threads) {
            return istft_impl(D, window, hop, center, n_frames, out_len, n_threads);
        },
        py::arg("D"), py::arg("window"), py::arg("hop_length"), py::arg("center"),
        py::arg("n_frames"), py::arg("length"), py::arg("n_threads") = 1,
        "librosa.istft of frame-major spectrograms D (B, T, F) (GIL released).");

    auto hpss_impl = [](const float* D, const float* S, int64_t B, int64_t T, int64_t F,
                        int kernel_harm, int kernel_perc, float power, float margin_harm,
                        float margin_perc, bool masks, bool want_h, bool want_p, int n_threads) {
        if (kernel_harm < 1 || kernel_perc < 1) throw std::invalid_argument("kernel sizes must be positive");
        if (!(power > 0.0f)) throw std::invalid_argument("power must be positive");
        if (!(margin_harm >= 1.0f) || !(margin_perc >= 1.0f)) throw std::invalid_argument("margins must be >= 1");
        HpssParams p;
        p.kernel_harm = kernel_harm;
        p.kernel_perc = kernel_perc;
        p.power = power;
        p.margin_harm = margin_harm;
        p.margin_perc = margin_perc;
        p.masks = masks;
        const bool cplx = D != nullptr && !masks;
        auto alloc = [&](bool want) -> py::object {
            if (!want) return py::none();
            if (cplx) return py::array_t<std::complex<float>>({B, T, F});
            return py::array_t<float>({B, T, F});
        };
        py::object h = alloc(want_h), pc = alloc(want_p);
        auto ptr = [](py::object& o) -> float* {
            if (o.is_none()) return nullptr;
            return static_cast<float*>(py::cast<py::array>(o).mutable_data());
        };
        float* oh = ptr(h);
        float* op = ptr(pc);
        {
            py::gil_scoped_release release;
            hpss(kernels(), D, S, B, T, F, p, oh, op, n_threads);
        }
        return py::make_tuple(h, pc);
    };
    m.def(
        "hpss",
        [hpss_impl](py::array_t<std::complex<float>, py::array::c_style> D, int kernel_harm,
                    int kernel_perc, float power, float margin_harm, float margin_perc, bool masks,
                    bool want_h, bool want_p, int n_threads) {
            if (D.ndim() != 3) throw std::invalid_argument("D must be 3-D (signals, frames, bins)");
            return hpss_impl(reinterpret_cast<const float*>(D.data()), nullptr, D.shape(0),
                             D.shape(1), D.shape(2), kernel_harm, kernel_perc, power, margin_harm,
                             margin_perc, masks, want_h, want_p, n_threads);
        },
        py::arg("D"), py::arg("kernel_harm"), py::arg("kernel_perc"), py::arg("power"),
        py::arg("margin_harm"), py::arg("margin_perc"), py::arg("masks"), py::arg("want_harmonic"),
        py::arg("want_percussive"), py::arg("n_threads") = 1);
    m.def(
        "hpss",
        [hpss_impl](py::array_t<float, py::array::c_style> S, int kernel_harm, int kernel_perc,
                    float power, float margin_harm, float margin_perc, bool masks, bool want_h,
                    bool want_p, int n_threads) {
            if (S.ndim() != 3) throw std::invalid_argument("S must be 3-D (signals, frames, bins)");
            return hpss_impl(nullptr, S.data(), S.shape(0), S.shape(1), S.shape(2), kernel_harm,
                             kernel_perc, power, margin_harm, margin_perc, masks, want_h, want_p,
                             n_threads);
        },
        py::arg("S"), py::arg("kernel_harm"), py::arg("kernel_perc"), py::arg("power"),
        py::arg("margin_harm"), py::arg("margin_perc"), py::arg("masks"), py::arg("want_harmonic"),
        py::arg("want_percussive"), py::arg("n_threads") = 1,
        "librosa.decompose.hpss of frame-major spectrograms (B, T, F) (GIL released).");

    // --- tempo and beats (cpp/rhythm.cpp) ---
    m.def(
        "tempogram",
        [](py::array_t<float, py::array::c_style> padded, int64_t n_frames, f64 window,
           int n_threads, bool hann) {
            if (padded.ndim() != 2) throw std::invalid_argument("padded must be 2-D (signals, samples)");
            if (window.ndim() != 1 || window.shape(0) < 1) throw std::invalid_argument("window must be 1-D and non-empty");
            const int64_t B = padded.shape(0), n = padded.shape(1);
            const int L = static_cast<int>(window.shape(0));
            if (n_frames < 0 || n_frames + L - 1 > n) throw std::invalid_argument("n_frames exceeds the padded envelope");
            py::array_t<double> out({B, static_cast<int64_t>(L), n_frames});
            double* dst = out.mutable_data();
            const float* src = padded.data();
            const double* w = window.data();
            {
                py::gil_scoped_release release;
                if (hann) {
                    tempogram_hann(kernels(), src, B, n, n_frames, w, L, dst, n_threads);
                } else {
                    tempogram(kernels(), src, B, n, n_frames, w, L, dst, n_threads);
                }
            }
            return out;
        },
        py::arg("padded"), py::arg("n_frames"), py::arg("window"), py::arg("n_threads") = 1,
        py::arg("hann") = false,
        "librosa.feature.tempogram's normalized local autocorrelation (B, L, n_frames).");

    m.def(
        "beat_dp",
        [](py::array_t<double, py::array::c_style> onset, double frames_per_beat, float tightness) {
            if (onset.ndim() != 1) throw std::invalid_argument("onset must be 1-D");
            const int64_t n = onset.shape(0);
            if (!(frames_per_beat > 0)) throw std::invalid_argument("frames_per_beat must be positive");
            py::array_t<double> local(n), cum(n);
            py::array_t<int32_t> back(n);
            double* l = local.mutable_data();
            double* c = cum.mutable_data();
            int32_t* bk = back.mutable_data();
            const double* o = onset.data();
            {
                py::gil_scoped_release release;
                beat_dp(o, n, frames_per_beat, tightness, l, bk, c);
            }
            return py::make_tuple(local, back, cum);
        },
        py::arg("onset"), py::arg("frames_per_beat"), py::arg("tightness"),
        "librosa.beat's local score and dynamic program: (localscore, backlink, cumscore).");

    m.def(
        "median_rows",
        [](py::array_t<float, py::array::c_style> x, int n_threads) {
            if (x.ndim() != 2 || x.shape(0) < 1) throw std::invalid_argument("x must be 2-D with at least one row");
            const int64_t rows = x.shape(0), cols = x.shape(1);
            py::array_t<float> out(cols);
            float* dst = out.mutable_data();
            const float* src = x.data();
            {
                py::gil_scoped_release release;
                median_rows(src, rows, cols, dst, n_threads);
            }
            return out;
        },
        py::arg("x"), py::arg("n_threads") = 1,
        "np.median(x, axis=0) of a finite 2-D float32 array (GIL released).");
}
