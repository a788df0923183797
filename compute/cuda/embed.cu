// meadow-embed-v1 inference: the CUDA twin of compute/embed.go.
// compute/DESIGN.md defines the architecture; this file and the Go code must
// agree bit for bit. Build to PTX with `make ptx`.
//
// One block per row. The row is walked in chunks of BLOCK bytes: thread t
// decides whether a word starts at byte base+t, the block ranks the chunk's
// word starts (to stop after MAX_WORDS words), and the words' embedding rows
// are summed per dimension in int32. Integer sums do not depend on their
// order, so the result equals the CPU's sequential sum.

#define BLOCK 128
#define WARPS (BLOCK / 32)
#define MAX_DIM 1024
#define MAX_WORDS 8192

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

__device__ __forceinline__ bool is_space(unsigned char b) {
    return b == ' ' || (b >= '\t' && b <= '\r');
}

// acc/2^shift rounded half up, clamped to [-127, 127].
__device__ __forceinline__ int requantize(int acc, int shift) {
    if (shift > 0) acc = (acc + (1 << (shift - 1))) >> shift;  // arithmetic shift
    return min(max(acc, -127), 127);
}

extern "C" __global__ void __launch_bounds__(BLOCK)
embed_kernel(const unsigned char* __restrict__ text, const unsigned long long* __restrict__ offsets,
             const signed char* __restrict__ emb, unsigned int vocab, int D,
             const signed char* __restrict__ w1, const int* __restrict__ b1, int H, int s1,
             const signed char* __restrict__ w2, const int* __restrict__ b2, int O, int s2,
             int* __restrict__ out) {
    __shared__ int sum[MAX_DIM];
    __shared__ int x[MAX_DIM];
    __shared__ int hid[MAX_DIM];
    __shared__ int ids[BLOCK];
    __shared__ int warp_counts[WARPS];

    const long long row = blockIdx.x;
    const int t = threadIdx.x;
    const int lane = t & 31, warp = t >> 5;
    const long long start = (long long)offsets[row];
    const long long end = (long long)offsets[row + 1];

    for (int d = t; d < D; d += BLOCK) sum[d] = 0;

    int words = 0;  // the same in every thread
    for (long long base = start; base < end && words < MAX_WORDS; base += BLOCK) {
        long long i = base + t;
        bool ws = i < end && !is_space(text[i]) && (i == start || is_space(text[i - 1]));
        unsigned int ballot = __ballot_sync(0xffffffffu, ws);
        if (lane == 0) warp_counts[warp] = __popc(ballot);
        __syncthreads();
        int before = 0, total = 0;
        for (int w = 0; w < WARPS; w++) {
            if (w < warp) before += warp_counts[w];
            total += warp_counts[w];
        }
        int idx = words + before + __popc(ballot & ((1u << lane) - 1));
        int id = -1;
        if (ws && idx < MAX_WORDS) {
            unsigned long long h = FNV_OFFSET;
            for (long long j = i; j < end && !is_space(text[j]); j++) {
                unsigned int c = text[j];
                if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
                h = (h ^ c) * FNV_PRIME;
            }
            id = (int)(((h >> 32) * (unsigned long long)vocab) >> 32);
        }
        ids[t] = id;
        __syncthreads();
        for (int d = t; d < D; d += BLOCK) {
            int acc = sum[d];
            for (int s = 0; s < BLOCK; s++) {
                int w = ids[s];
                if (w >= 0) acc += emb[(long long)w * D + d];
            }
            sum[d] = acc;
        }
        words += total;
        __syncthreads();
    }

    const int n = min(words, MAX_WORDS);
    for (int d = t; d < D; d += BLOCK) {
        // C's and Go's integer division both truncate toward zero.
        x[d] = n == 0 ? 0 : min(max(sum[d] / n, -127), 127);
    }
    __syncthreads();
    for (int h = t; h < H; h += BLOCK) {
        int acc = b1[h];
        const signed char* w = w1 + (long long)h * D;
        for (int d = 0; d < D; d++) acc += (int)w[d] * x[d];
        hid[h] = max(requantize(acc, s1), 0);  // ReLU
    }
    __syncthreads();
    for (int o = t; o < O; o += BLOCK) {
        int acc = b2[o];
        const signed char* w = w2 + (long long)o * H;
        for (int h = 0; h < H; h++) acc += (int)w[h] * hid[h];
        out[row * O + o] = requantize(acc, s2);
    }
}
