import Foundation
import SWGateConsole
import Testing

@Suite("Console: escaping and forms")
struct EscapingTests {
    @Test("HTML escaping covers element content and both attribute quotings")
    func escape() {
        #expect(HTML.escape(#"<script>alert("x")</script> & 'y'"#) == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
        #expect(HTML.escape("Công văn số 12/BCT") == "Công văn số 12/BCT")
    }

    @Test("Percent-encoding keeps only unreserved characters")
    func percent() {
        #expect(HTML.percentEncode("VN-TH 26/03 a+b&c") == "VN-TH%2026%2F03%20a%2Bb%26c")
    }

    @Test("Form bodies keep repeated fields in order and decode + and %XX")
    func form() {
        let form = FormData("id=A&id=B%2F1&name=J+Doe&empty=&csrf=t%3D")
        #expect(form.all("id") == ["A", "B/1"])
        #expect(form["name"] == "J Doe")
        #expect(form["empty"] == nil)
        #expect(form["csrf"] == "t=")
        #expect(form["missing"] == nil)
    }
}
