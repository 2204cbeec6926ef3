/// The console's labels in the operator's language. English is the source text and the key; a
/// label without a translation is shown in English. Values from the store are never translated.
public enum ConsoleLanguage: String, Sendable, Hashable, CaseIterable {
    case english = "en"
    case vietnamese = "vi"

    /// The language's own name, for the selector.
    var name: String {
        switch self {
        case .english: "English"
        case .vietnamese: "Tiếng Việt"
        }
    }

    /// `text` in this language.
    func callAsFunction(_ text: String) -> String {
        self == .vietnamese ? Labels.vietnamese[text] ?? text : text
    }

    /// Every label of `texts` in this language.
    func callAsFunction(_ texts: [String]) -> [String] { texts.map { self($0) } }
}

enum Labels {
    static let vietnamese: [String: String] = [
        // Frame
        "Dashboard": "Tổng quan", "Messages": "Thông điệp", "Audit": "Nhật ký kiểm toán", "Sign out": "Đăng xuất",
        "Times shown in": "Hiển thị giờ theo", "Language": "Ngôn ngữ", "Apply": "Áp dụng",
        // Sign-in
        "Sign in": "Đăng nhập", "Operator name": "Tên người vận hành", "Password": "Mật khẩu",
        // Dashboard
        "Oldest pending": "Chờ lâu nhất", "By destination": "Theo nơi nhận", "Destination": "Nơi nhận",
        "Circuit breakers": "Cầu dao ngắt mạch", "Recent failures": "Lỗi gần đây", "Certificates": "Chứng thư số",
        "When": "Thời điểm", "Message": "Thông điệp", "State": "Trạng thái", "Attempts": "Lần gửi", "Reason": "Lý do",
        "Role": "Vai trò", "Subject": "Chủ thể", "Valid until": "Hiệu lực đến", "Days left": "Còn (ngày)", "Status": "Tình trạng",
        "Detail": "Chi tiết", "Pending": "Chờ gửi", "Sending": "Đang gửi", "Delivered": "Đã giao", "Failed": "Thất bại", "Dead": "Hết lượt",
        // Search
        "Gateway or wire message id": "Mã thông điệp (cổng hoặc trên đường truyền)", "C/O or licence reference": "Số C/O hoặc số giấy phép",
        "Conversation": "Chuỗi hồ sơ", "Function": "Chức năng", "Accepted from": "Tiếp nhận từ", "Accepted before": "Tiếp nhận trước",
        "Search": "Tìm kiếm", "Clear": "Xóa lọc", "Wire id": "Mã truyền", "Accepted": "Tiếp nhận", "Last error": "Lỗi gần nhất",
        "Previous": "Trang trước", "Next": "Trang sau", "Export CSV": "Xuất CSV",
        "Replay selected… (dry run first)": "Gửi lại các mục đã chọn… (chạy thử trước)",
        "Replay every failed or dead delivery matching the search… (dry run first)":
            "Gửi lại mọi lượt giao thất bại hoặc hết lượt khớp với tìm kiếm… (chạy thử trước)",
        // Message
        "Gateway id": "Mã cổng", "Wire message id": "Mã thông điệp truyền", "Document": "Chứng từ", "From": "Từ",
        "Next attempt": "Lần gửi tới", "Error before delivery": "Lỗi trước khi giao", "Bytes": "Dữ liệu",
        "Started": "Bắt đầu", "Duration": "Thời lượng", "Outcome": "Kết quả", "Error": "Lỗi", "By": "Bởi",
        "Receipts": "Biên nhận", "Received": "Nhận lúc", "Type": "Kiểu", "Size": "Kích thước", "Checked": "Kiểm tra", "Download": "Tải về",
        "Story": "Diễn biến", "Event": "Sự kiện", "Open in the audit view": "Mở trong nhật ký kiểm toán", "Deliveries": "Lượt giao",
        // Replay
        "Replay: dry run": "Gửi lại: chạy thử", "Replayed": "Đã gửi lại", "Now": "Hiện tại", "Would become": "Sẽ thành", "Became": "Đã thành",
        "Cancel": "Hủy", "Back to messages": "Quay lại danh sách thông điệp",
        // Audit
        "Audit log": "Nhật ký kiểm toán", "Message (gateway or wire id)": "Thông điệp (mã cổng hoặc mã truyền)",
        "By (operator or instance)": "Bởi (người vận hành hoặc phiên bản cổng)", "Filter": "Lọc",
        "Verify the whole chain": "Kiểm tra toàn bộ chuỗi",
    ]
}
