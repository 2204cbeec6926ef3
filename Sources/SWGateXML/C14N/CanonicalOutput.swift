/// A growable byte buffer for canonical octets and serialised documents, released with
/// ``deallocate()``: appends are copies into owned memory, without the checks of an `Array` per
/// byte.
struct CanonicalOutput {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    func deallocate() { base.deallocate() }

    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ start: UnsafePointer<UInt8>, count length: Int) {
        if count + length > capacity { grow(to: count + length) }
        (base + count).update(from: start, count: length)
        count += length
    }

    mutating func append(_ text: StaticString) {
        append(text.utf8Start, count: text.utf8CodeUnitCount)
    }

    /// Appends the NUL-terminated `text`, each byte for which `replacement` gives a text written as
    /// that text. Only bytes up to `>` are offered to `replacement` (every byte XML escapes is one of
    /// them); runs of other bytes are copied at once. With `refusingNonASCII`, a byte from 0x80 up
    /// stops the writing and the result is `false` (what came before it is already appended).
    @inline(__always)
    mutating func appendEscaped(
        _ text: UnsafePointer<UInt8>, refusingNonASCII: Bool = false, _ replacement: (UInt8) -> StaticString?
    ) -> Bool {
        var start = text
        var cursor = text
        while true {
            let byte = cursor.pointee
            if byte > UInt8(ascii: ">") {
                if refusingNonASCII && byte >= 0x80 { return false }
                cursor += 1
                continue
            }
            if byte == 0 {
                if cursor > start { append(start, count: cursor - start) }
                return true
            }
            guard let escaped = replacement(byte) else {
                cursor += 1
                continue
            }
            if cursor > start { append(start, count: cursor - start) }
            append(escaped)
            cursor += 1
            start = cursor
        }
    }

    private mutating func grow(to needed: Int) {
        let larger = max(needed, 2 * capacity)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }
}
