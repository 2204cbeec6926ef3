import SWGateSecurity
import Testing

@Suite("XMLText.escape: the five XML special characters, every other character as it is")
struct XMLTextTests {
    /// What the escaping did when it went character by character (the reference).
    static func reference(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    @Test(
        "Special characters escaped; non-ASCII text, control characters and plain text unchanged",
        arguments: [
            "", "plain-id-123@swgate", "a & b", "<eb:MessageId>", "\"quoted\" 'single'", "x>y", "&amp; already",
            "Công ty TNHH Xuất khẩu Mẫu & Đối tác <HN>", "tab\there\nline", "é\u{301} & ü", "日本語<テキスト>", "&<>\"'",
        ])
    func escape(_ text: String) {
        #expect(XMLText.escape(text) == Self.reference(text))
    }

    @Test("The escaped text has none of the special characters left outside entities")
    func noSpecialLeft() {
        let escaped = XMLText.escape("<a href=\"x\">Tom & 'Jerry'</a>")
        #expect(escaped == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;")
    }
}
