// MinHash signatures and LSH band keys: the CUDA twin of compute/minhash.go.
// compute/DESIGN.md defines the kernel; this file and the Go code must agree
// bit for bit. Build to PTX with `make ptx`.
//
// One block per row. The row is walked in chunks of BLOCK bytes: thread t
// decides whether a shingle starts at byte base+t and, if so, hashes it into
// shared memory; then every thread folds the chunk's shingles into the
// minima of its own permutations (t, t+BLOCK, ...). Only integer arithmetic,
// so the order of the minima does not matter.

#define BLOCK 128
#define MAX_PERMS 1024
#define PER_THREAD (MAX_PERMS / BLOCK)

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define P61 0x1fffffffffffffffULL
#define NONE 0xffffffffffffffffULL

__device__ __forceinline__ bool is_space(unsigned char b) {
    return b == ' ' || (b >= '\t' && b <= '\r');
}

__device__ __forceinline__ bool is_char_start(unsigned char b) {
    return (b & 0xc0) != 0x80;
}

__device__ __forceinline__ unsigned long long fnv(unsigned long long h, unsigned int b) {
    return (h ^ (unsigned long long)b) * FNV_PRIME;
}

__device__ __forceinline__ unsigned long long fnv_u32(unsigned long long h, unsigned int v) {
    h = fnv(h, v & 0xff);
    h = fnv(h, (v >> 8) & 0xff);
    h = fnv(h, (v >> 16) & 0xff);
    return fnv(h, v >> 24);
}

__device__ __forceinline__ unsigned long long mod61(unsigned long long x) {
    x = (x & P61) + (x >> 61);
    if (x >= P61) x -= P61;
    return x;
}

// (a*x + b) mod 2^61-1 for a, x, b < 2^61-1, with the full 128-bit product.
__device__ __forceinline__ unsigned long long mul_add_mod61(unsigned long long a, unsigned long long x, unsigned long long b) {
    unsigned long long lo = a * x;
    unsigned long long hi = __umul64hi(a, x);
    unsigned long long r = (lo & P61) + ((lo >> 61) | (hi << 3)) + b;
    r = (r & P61) + (r >> 61);
    if (r >= P61) r -= P61;
    return r;
}

// The hash (mod p) of the shingle that starts at byte i of the row
// [start, end), or NONE when none starts there.
__device__ unsigned long long shingle_at(const unsigned char* __restrict__ s, long long start, long long end,
                                         long long i, int is_char, int k) {
    unsigned long long h;
    int cnt;
    if (is_char) {
        // A character starts at the row's first byte and at every byte that
        // is not a UTF-8 continuation byte.
        if (i != start && !is_char_start(s[i])) return NONE;
        h = fnv(FNV_OFFSET, s[i]);
        cnt = 1;
        for (long long j = i + 1; j < end; j++) {
            unsigned char b = s[j];
            if (is_char_start(b)) {
                if (cnt == k) break;
                cnt++;
            }
            h = fnv(h, b);
        }
        // Fewer than k characters left: only a text shorter than k
        // characters has a shingle here, the whole text.
        if (cnt < k && i != start) return NONE;
        return mod61(h);
    }
    // A word starts at a non-space byte that follows a space or the row's start.
    if (is_space(s[i]) || (i != start && !is_space(s[i - 1]))) return NONE;
    h = FNV_OFFSET;
    cnt = 0;
    long long j = i;
    while (cnt < k) {
        if (cnt > 0) h = fnv(h, ' ');
        while (j < end && !is_space(s[j])) {
            h = fnv(h, s[j]);
            j++;
        }
        cnt++;
        while (j < end && is_space(s[j])) j++;
        if (j == end) break;
    }
    if (cnt < k) {
        // Fewer than k words left: a shingle only if this is the first word
        // (a text of fewer than k words is one shingle of all its words).
        for (long long t = i - 1; t >= start; t--)
            if (!is_space(s[t])) return NONE;
    }
    return mod61(h);
}

extern "C" __global__ void __launch_bounds__(BLOCK)
minhash_kernel(const unsigned char* __restrict__ text, const unsigned long long* __restrict__ offsets,
               const unsigned long long* __restrict__ coef_a, const unsigned long long* __restrict__ coef_b,
               int perms, int bands, int is_char, int k,
               unsigned int* __restrict__ sig_out, unsigned long long* __restrict__ band_out) {
    __shared__ unsigned long long xs[BLOCK];
    __shared__ unsigned int sig[MAX_PERMS];

    const long long row = blockIdx.x;
    const int t = threadIdx.x;
    const long long start = (long long)offsets[row];
    const long long end = (long long)offsets[row + 1];

    unsigned long long a[PER_THREAD], b[PER_THREAD], m[PER_THREAD];
#pragma unroll
    for (int q = 0; q < PER_THREAD; q++) {
        int j = t + q * BLOCK;
        a[q] = j < perms ? coef_a[j] : 0;
        b[q] = j < perms ? coef_b[j] : 0;
        m[q] = NONE;
    }

    for (long long base = start; base < end; base += BLOCK) {
        long long i = base + t;
        xs[t] = i < end ? shingle_at(text, start, end, i, is_char, k) : NONE;
        __syncthreads();
        int n = (int)min((long long)BLOCK, end - base);
        for (int s = 0; s < n; s++) {
            unsigned long long x = xs[s];
            if (x == NONE) continue;
#pragma unroll
            for (int q = 0; q < PER_THREAD; q++) {
                if (t + q * BLOCK < perms) {
                    unsigned long long v = mul_add_mod61(a[q], x, b[q]);
                    m[q] = v < m[q] ? v : m[q];
                }
            }
        }
        __syncthreads();
    }

#pragma unroll
    for (int q = 0; q < PER_THREAD; q++) {
        int j = t + q * BLOCK;
        if (j < perms) {
            unsigned int v = (unsigned int)m[q];  // low 32 bits
            sig[j] = v;
            sig_out[row * perms + j] = v;
        }
    }
    __syncthreads();

    const int r = perms / bands;
    for (int jb = t; jb < bands; jb += BLOCK) {
        unsigned long long h = fnv_u32(FNV_OFFSET, (unsigned int)jb);
        for (int u = 0; u < r; u++) h = fnv_u32(h, sig[jb * r + u]);
        band_out[row * bands + jb] = h;
    }
}
