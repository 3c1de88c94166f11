// FuseFlow's native kernels: JNI functions of dev.fuseflow.trainer.kernels.NativeOps that run libtorch
// operations DJL 0.36 does not expose on DJL's own tensors.
//
// A DJL PyTorch array's handle is a torch::Tensor* made with `new`, which DJL deletes when the array
// closes. Inputs are read through their handles and never deleted here; every result is a fresh
// `new torch::Tensor(...)` whose handle Java wraps in a PtNDArray, so DJL owns and deletes it.
// Autograd runs as it would in libtorch itself: the results of differentiable operations carry
// their grad_fn, and the caller's thread decides whether a graph is recorded (DJL's GradientCollector).
// A libtorch error becomes a Java ai.djl.engine.EngineException with libtorch's message.

#include <jni.h>

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/autograd/profiler_kineto.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

at::Tensor& tensor(jlong handle) { return *reinterpret_cast<at::Tensor*>(handle); }

jlong handle(at::Tensor result) { return reinterpret_cast<jlong>(new at::Tensor(std::move(result))); }

void throwJava(JNIEnv* env, const char* message) {
  jclass engineException = env->FindClass("ai/djl/engine/EngineException");
  if (engineException == nullptr) {  // DJL's class is always there when DJL called us; keep a fallback
    env->ExceptionClear();
    engineException = env->FindClass("java/lang/IllegalStateException");
  }
  env->ThrowNew(engineException, message);
}

// Runs body and turns a libtorch (or any C++) error into a pending Java exception.
template <typename Result, typename Body>
Result guarded(JNIEnv* env, Result onError, Body body) {
  try {
    return body();
  } catch (const c10::Error& e) {
    throwJava(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    throwJava(env, e.what());
  }
  return onError;
}

std::vector<at::Tensor> tensors(JNIEnv* env, jlongArray handles) {
  const jsize count = env->GetArrayLength(handles);
  std::vector<jlong> raw(static_cast<size_t>(count));
  env->GetLongArrayRegion(handles, 0, count, raw.data());
  std::vector<at::Tensor> result;
  result.reserve(raw.size());
  for (jlong h : raw) {
    result.push_back(tensor(h));  // shares storage and autograd metadata with DJL's tensor
  }
  return result;
}

// The lowest finite value of a floating type, so a large negative bias stays finite when narrowed.
double lowestFinite(at::ScalarType type) {
  switch (type) {
    case at::kHalf:
      return -65504.0;
    case at::kBFloat16:
      return -3.3895313892515355e38;
    case at::kFloat:
      return -3.4028234663852886e38;
    default:
      return -1.7976931348623157e308;
  }
}

// log p(target_n | h_n) = (h_n Wᵀ)[target_n] - logsumexp(h_n Wᵀ) for N rows of hidden states h (N, C)
// and an output projection W (V, C), computed chunkRows rows at a time, so that at most chunkRows x V
// logits (in float32) exist at once, in the forward pass and again in backward, which recomputes
// them instead of keeping them: the graph holds h, W, the targets and one float32 per row. Liger's
// fused linear cross-entropy does the same; no libtorch operation does, hence this function.
struct ChunkedTokenLogps : public torch::autograd::Function<ChunkedTokenLogps> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& hidden, const at::Tensor& weight,
                            const at::Tensor& targets, int64_t chunkRows) {
    TORCH_CHECK(hidden.dim() == 2 && weight.dim() == 2 && hidden.size(1) == weight.size(1),
                "token log-probs want hidden states (N, C) and a weight (V, C), got ", hidden.sizes(), " and ",
                weight.sizes());
    TORCH_CHECK(targets.dim() == 1 && targets.size(0) == hidden.size(0), "token log-probs want one target per row: ",
                hidden.size(0), " rows, targets ", targets.sizes());
    TORCH_CHECK(chunkRows > 0, "chunkRows must be positive, got ", chunkRows);
    const int64_t rows = hidden.size(0);
    at::Tensor logps = at::empty({rows}, hidden.options().dtype(at::kFloat));        // (N)
    at::Tensor logSumExp = at::empty({rows}, hidden.options().dtype(at::kFloat));    // (N)
    for (int64_t start = 0; start < rows; start += chunkRows) {
      const int64_t count = std::min(chunkRows, rows - start);
      at::Tensor logits = at::matmul(hidden.narrow(0, start, count), weight.t()).to(at::kFloat);  // (n, V)
      at::Tensor lse = logits.logsumexp({-1});                                                     // (n)
      at::Tensor picked = logits.gather(1, targets.narrow(0, start, count).unsqueeze(1)).squeeze(1);  // (n)
      logps.narrow(0, start, count).copy_(picked - lse);
      logSumExp.narrow(0, start, count).copy_(lse);
    }
    ctx->save_for_backward({hidden, weight, targets, logSumExp});
    ctx->saved_data["chunkRows"] = chunkRows;
    return logps;
  }

  // d logp_n / d logits_n = onehot(target_n) - softmax(logits_n); then through the projection.
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list upstream) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& hidden = saved[0];     // (N, C)
    const at::Tensor& weight = saved[1];     // (V, C)
    const at::Tensor& targets = saved[2];    // (N)
    const at::Tensor& logSumExp = saved[3];  // (N)
    const int64_t chunkRows = ctx->saved_data["chunkRows"].toInt();
    const at::Tensor g = upstream[0].to(at::kFloat);  // (N)
    const bool wantHidden = ctx->needs_input_grad(0);
    const bool wantWeight = ctx->needs_input_grad(1);
    at::Tensor gradHidden = wantHidden ? at::empty_like(hidden) : at::Tensor();
    // Summed over chunks in float32: float16 partial sums would round at every chunk.
    at::Tensor gradWeight = wantWeight ? at::zeros(weight.sizes(), weight.options().dtype(at::kFloat)) : at::Tensor();
    const int64_t rows = hidden.size(0);
    for (int64_t start = 0; start < rows && (wantHidden || wantWeight); start += chunkRows) {
      const int64_t count = std::min(chunkRows, rows - start);
      at::Tensor h = hidden.narrow(0, start, count);                                     // (n, C)
      at::Tensor gn = g.narrow(0, start, count).unsqueeze(1);                            // (n, 1)
      at::Tensor logits = at::matmul(h, weight.t()).to(at::kFloat);                      // (n, V)
      at::Tensor gradLogits = (logits - logSumExp.narrow(0, start, count).unsqueeze(1)).exp_().mul_(gn).neg_();
      gradLogits.scatter_add_(1, targets.narrow(0, start, count).unsqueeze(1), gn);      // (n, V)
      at::Tensor gradLogitsTyped = gradLogits.to(hidden.scalar_type());
      if (wantHidden) {
        gradHidden.narrow(0, start, count).copy_(at::matmul(gradLogitsTyped, weight));   // (n, C)
      }
      if (wantWeight) {
        gradWeight.add_(at::matmul(gradLogitsTyped.t(), h).to(at::kFloat));             // (V, C)
      }
    }
    return {gradHidden, wantWeight ? gradWeight.to(weight.scalar_type()) : at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

extern "C" {

JNIEXPORT jstring JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_torchVersion(JNIEnv* env, jclass) {
  return env->NewStringUTF(TORCH_VERSION);
}

// softmax(q kᵀ · scale + mask) v over (B, nh, T, d) queries and (B, nkv, S, d) keys and values;
// mask 0: none. Grouped-query keys (nkv < nh) go to libtorch's enable_gqa where no mask is given
// (flash attention shares them without copies); with a mask they are repeated first in Hugging
// Face's repeat_kv order, because the memory-efficient kernel that takes a mask takes no GQA.
JNIEXPORT jlong JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_scaledDotProductAttention(
    JNIEnv* env, jclass, jlong query, jlong key, jlong value, jlong mask, jboolean isCausal, jdouble scale) {
  return guarded(env, jlong{0}, [&]() -> jlong {
    const at::Tensor& q = tensor(query);  // (B, nh, T, d)
    at::Tensor k = tensor(key);           // (B, nkv, S, d)
    at::Tensor v = tensor(value);         // (B, nkv, S, d)
    TORCH_CHECK(q.dim() == 4 && k.dim() == 4 && v.dim() == 4,
                "attention wants (B, heads, T, d) tensors, got query ", q.sizes(), ", key ", k.sizes(),
                ", value ", v.sizes());
    const int64_t heads = q.size(1);
    const int64_t kvHeads = k.size(1);
    TORCH_CHECK(kvHeads > 0 && heads % kvHeads == 0, "query heads ", heads,
                " are not a multiple of key/value heads ", kvHeads);
    std::optional<at::Tensor> attnMask;
    bool enableGqa = heads != kvHeads;
    if (mask != 0) {
      at::Tensor m = tensor(mask);  // (B, 1, T, S), additive
      if (m.scalar_type() != q.scalar_type()) {
        m = m.clamp_min(lowestFinite(q.scalar_type())).to(q.scalar_type());
      }
      attnMask = m;
      if (enableGqa) {
        const int64_t groups = heads / kvHeads;
        k = k.repeat_interleave(groups, 1);  // (B, nh, S, d)
        v = v.repeat_interleave(groups, 1);  // (B, nh, S, d)
        enableGqa = false;
      }
    }
    std::optional<double> explicitScale;
    if (!std::isnan(scale)) {
      explicitScale = scale;
    }
    return handle(at::scaled_dot_product_attention(q, k, v, attnMask, 0.0, isCausal, explicitScale, enableGqa));
  });
}

// x in another floating type, recorded by autograd (DJL's toType runs under NoGradGuard).
JNIEXPORT jlong JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_castKeepingGraph(JNIEnv* env, jclass, jlong x,
                                                                                     jint scalarType) {
  return guarded(env, jlong{0}, [&]() -> jlong {
    return handle(tensor(x).to(static_cast<at::ScalarType>(scalarType)));
  });
}

// Hugging Face's LlamaRMSNorm: statistics in float32, the row back in x's type, times the weight
// (weight 0: none). at::rms_norm accumulates in float32 for float16 inputs and, on CUDA in libtorch
// 2.9 and later, runs as one fused kernel forward and one backward instead of seven elementwise passes
// (earlier releases compose it from the same operations).
JNIEXPORT jlong JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_rmsNorm(JNIEnv* env, jclass, jlong x,
                                                                            jlong weight, jdouble eps) {
  return guarded(env, jlong{0}, [&]() -> jlong {
    const at::Tensor& input = tensor(x);
    const std::vector<int64_t> lastDim{input.size(-1)};
    std::optional<at::Tensor> scale;
    if (weight != 0) {
      scale = tensor(weight);
    }
    return handle(at::rms_norm(input, lastDim, scale, eps));
  });
}

// silu(gate) * up, SwiGLU's gate: libtorch's one-kernel SiLU, whose backward keeps only its input (x *
// sigmoid(x) in three operations keeps the sigmoid and the product as well).
JNIEXPORT jlong JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_swiGlu(JNIEnv* env, jclass, jlong gate,
                                                                           jlong up) {
  return guarded(env, jlong{0}, [&]() -> jlong { return handle(at::silu(tensor(gate)) * tensor(up)); });
}

// libtorch's Kineto profiler (what torch.profiler runs): every operator on this thread and the
// autograd threads it starts, and with cuda the GPU kernels, copies and memsets through CUPTI; with
// memory, each allocation and free with the allocator's running total. DJL's own profiler is the
// legacy one, which sees no kernels.
JNIEXPORT void JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_startKernelProfile(JNIEnv* env, jclass,
                                                                                      jboolean cuda,
                                                                                      jboolean memory) {
  guarded(env, 0, [&]() -> int {
    using torch::profiler::impl::ActivityType;
    torch::profiler::impl::ProfilerConfig config(torch::profiler::impl::ProfilerState::KINETO,
                                                 /*report_input_shapes=*/true, /*profile_memory=*/memory != JNI_FALSE);
    std::set<ActivityType> activities{ActivityType::CPU};
    if (cuda != JNI_FALSE) {
      activities.insert(ActivityType::CUDA);
    }
    torch::autograd::profiler::prepareProfiler(config, activities);
    torch::autograd::profiler::enableProfiler(config, activities);
    return 0;
  });
}

// Stops the profile startKernelProfile began and writes it as a Chrome trace (JSON) to path.
JNIEXPORT void JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_stopKernelProfile(JNIEnv* env, jclass,
                                                                                     jstring path) {
  guarded(env, 0, [&]() -> int {
    const char* chars = env->GetStringUTFChars(path, nullptr);
    const std::string file(chars);
    env->ReleaseStringUTFChars(path, chars);
    torch::autograd::profiler::disableProfiler()->save(file);
    return 0;
  });
}

// One AdamW step over all weights at once (libtorch's multi-tensor fused kernel, CUDA only): params,
// exp_avgs and exp_avg_sqs updated in place, steps (one float32 scalar tensor per weight, already
// incremented for this step) read; hyperparameters {lr, beta1, beta2, weight decay, eps}; gradScale
// (0: none) divides the gradients, and a non-zero foundInf (0: none) skips the step.
JNIEXPORT void JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_fusedAdamW(
    JNIEnv* env, jclass, jlongArray params, jlongArray grads, jlongArray expAvgs, jlongArray expAvgSqs,
    jlongArray steps, jdoubleArray hyperparameters, jlong gradScale, jlong foundInf) {
  guarded(env, 0, [&]() -> int {
    at::NoGradGuard noGrad;
    TORCH_CHECK(env->GetArrayLength(hyperparameters) == 5,
                "fused AdamW wants 5 hyperparameters {lr, beta1, beta2, weight decay, eps}");
    double h[5];
    env->GetDoubleArrayRegion(hyperparameters, 0, 5, h);
    const double lr = h[0], beta1 = h[1], beta2 = h[2], weightDecay = h[3], eps = h[4];
    std::vector<at::Tensor> p = tensors(env, params);
    std::vector<at::Tensor> g = tensors(env, grads);
    std::vector<at::Tensor> m = tensors(env, expAvgs);
    std::vector<at::Tensor> s = tensors(env, expAvgSqs);
    std::vector<at::Tensor> t = tensors(env, steps);
    TORCH_CHECK(g.size() == p.size() && m.size() == p.size() && s.size() == p.size() && t.size() == p.size(),
                "fused AdamW wants one gradient, moment pair and step per weight: ", p.size(), " weights, ",
                g.size(), " gradients, ", m.size(), " first and ", s.size(), " second moments, ", t.size(),
                " steps");
    std::optional<at::Tensor> scale;
    std::optional<at::Tensor> inf;
    if (gradScale != 0) {
      scale = tensor(gradScale);
    }
    if (foundInf != 0) {
      inf = tensor(foundInf);
    }
    at::_fused_adamw_(p, g, m, s, /*max_exp_avg_sqs=*/{}, t, lr, beta1, beta2, weightDecay, eps,
                      /*amsgrad=*/false, /*maximize=*/false, scale, inf);
    return 0;
  });
}

// Multi-tensor operations over all weights (libtorch's _foreach_ kernels: a few launches for the whole
// list instead of one or more per weight), for the optimizer's bookkeeping around fused AdamW.

// Float32 copies of the gradients, each times inverseScale (0: none), as new handles.
JNIEXPORT jlongArray JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_widenedCopies(JNIEnv* env, jclass,
                                                                                       jlongArray gradients,
                                                                                       jlong inverseScale) {
  return guarded(env, static_cast<jlongArray>(nullptr), [&]() -> jlongArray {
    at::NoGradGuard noGrad;
    std::vector<at::Tensor> source = tensors(env, gradients);
    std::vector<at::Tensor> wide;
    wide.reserve(source.size());
    for (const at::Tensor& g : source) {
      wide.push_back(at::empty_like(g, g.options().dtype(at::kFloat)));
    }
    at::_foreach_copy_(wide, source);
    if (inverseScale != 0) {
      at::_foreach_mul_(wide, tensor(inverseScale));
    }
    std::vector<jlong> handles;
    handles.reserve(wide.size());
    for (at::Tensor& w : wide) {
      handles.push_back(handle(std::move(w)));
    }
    jlongArray result = env->NewLongArray(static_cast<jsize>(handles.size()));
    env->SetLongArrayRegion(result, 0, static_cast<jsize>(handles.size()), handles.data());
    return result;
  });
}

// The L2 norm of all the tensors together, a 0-d float32 tensor on their device (accumulated in float32,
// as torch.nn.utils.clip_grad_norm_ does).
JNIEXPORT jlong JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_globalNorm(JNIEnv* env, jclass,
                                                                               jlongArray arrays) {
  return guarded(env, jlong{0}, [&]() -> jlong {
    at::NoGradGuard noGrad;
    std::vector<at::Tensor> norms = at::_foreach_norm(tensors(env, arrays), 2);
    for (at::Tensor& n : norms) {
      n = n.to(at::kFloat);
    }
    return handle(at::linalg_vector_norm(at::stack(norms), 2));
  });
}

// Every tensor times factor (a 0-d tensor on their device), in place.
JNIEXPORT void JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_scaleAll(JNIEnv* env, jclass, jlongArray arrays,
                                                                           jlong factor) {
  guarded(env, 0, [&]() -> int {
    at::NoGradGuard noGrad;
    std::vector<at::Tensor> all = tensors(env, arrays);
    at::_foreach_mul_(all, tensor(factor).to(all.empty() ? at::kFloat : all[0].scalar_type()));
    return 0;
  });
}

// into[i] <- from[i], cast to into's type, in place.
JNIEXPORT void JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_copyAll(JNIEnv* env, jclass, jlongArray into,
                                                                          jlongArray from) {
  guarded(env, 0, [&]() -> int {
    at::NoGradGuard noGrad;
    std::vector<at::Tensor> targets = tensors(env, into);
    at::_foreach_copy_(targets, tensors(env, from));
    return 0;
  });
}

// Every tensor set to zero, in place.
JNIEXPORT void JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_zeroAll(JNIEnv* env, jclass, jlongArray arrays) {
  guarded(env, 0, [&]() -> int {
    at::NoGradGuard noGrad;
    std::vector<at::Tensor> all = tensors(env, arrays);
    at::_foreach_zero_(all);
    return 0;
  });
}

// log p(targets[n] | hidden[n]) under the output projection weight (V, C), (N) float32, differentiable
// in hidden and weight; see ChunkedTokenLogps.
JNIEXPORT jlong JNICALL Java_dev_fuseflow_trainer_kernels_NativeOps_tokenLogps(JNIEnv* env, jclass, jlong hidden,
                                                                               jlong weight, jlong targets,
                                                                               jlong chunkRows) {
  return guarded(env, jlong{0}, [&]() -> jlong {
    return handle(ChunkedTokenLogps::apply(tensor(hidden), tensor(weight), tensor(targets).to(at::kLong), chunkRows));
  });
}

}  // extern "C"
