"""Synthetic but realistic Arabic names (with English transliterations) for the
demo. No real person is described: names are combined at random."""

from __future__ import annotations

MALE = [
    ("محمد", "Mohammad"), ("أحمد", "Ahmad"), ("محمود", "Mahmoud"), ("خالد", "Khaled"),
    ("عمر", "Omar"), ("علي", "Ali"), ("يوسف", "Yousef"), ("إبراهيم", "Ibrahim"),
    ("حسن", "Hasan"), ("حسين", "Hussein"), ("سامي", "Sami"), ("نبيل", "Nabil"),
    ("فادي", "Fadi"), ("رامي", "Rami"), ("عبد الله", "Abdullah"), ("عبد الرحمن", "Abdulrahman"),
    ("مصطفى", "Mustafa"), ("جمال", "Jamal"), ("ياسر", "Yasser"), ("طارق", "Tareq"),
    ("وليد", "Waleed"), ("سعيد", "Saeed"), ("ماجد", "Majed"), ("باسل", "Basel"),
    ("أنس", "Anas"), ("زياد", "Ziad"), ("هشام", "Hisham"), ("عماد", "Imad"),
    ("إسماعيل", "Ismail"), ("موسى", "Mousa"), ("عيسى", "Issa"), ("صالح", "Saleh"),
    ("فيصل", "Faisal"), ("منصور", "Mansour"), ("جعفر", "Jaafar"), ("حسام", "Hussam"),
    ("مهدي", "Mahdi"), ("رضا", "Reda"), ("عادل", "Adel"), ("كريم", "Kareem"),
]
FEMALE = [
    ("فاطمة", "Fatima"), ("مريم", "Maryam"), ("عائشة", "Aisha"), ("زينب", "Zainab"),
    ("نور", "Nour"), ("هدى", "Huda"), ("سلمى", "Salma"), ("رنا", "Rana"),
    ("ليلى", "Layla"), ("أمل", "Amal"), ("سارة", "Sara"), ("دعاء", "Duaa"),
    ("آلاء", "Alaa"), ("رهف", "Rahaf"), ("جنى", "Jana"), ("ياسمين", "Yasmin"),
    ("إيمان", "Iman"), ("منى", "Mona"), ("خديجة", "Khadija"), ("رقية", "Ruqayya"),
    ("حنان", "Hanan"), ("سهى", "Suha"), ("وفاء", "Wafa"), ("بتول", "Batoul"),
    ("زهراء", "Zahraa"), ("لمى", "Lama"), ("غدير", "Ghadeer"), ("ريم", "Reem"),
]
FAMILIES = {
    "PS": [
        ("التميمي", "Al-Tamimi"), ("الجعبري", "Al-Jaabari"), ("القواسمي", "Al-Qawasmi"),
        ("أبو اسنينة", "Abu Sneineh"), ("الشرباتي", "Al-Sharabati"), ("النتشة", "Al-Natsheh"),
        ("الرجبي", "Al-Rajabi"), ("الزعتري", "Al-Zaatari"), ("الحموري", "Al-Hamouri"),
        ("الخطيب", "Al-Khatib"), ("العويوي", "Al-Owaiwi"), ("الدويك", "Al-Duweik"),
        ("الجنيدي", "Al-Junaidi"), ("سدر", "Sider"), ("المحتسب", "Al-Muhtaseb"),
        ("غيث", "Ghaith"), ("الكركي", "Al-Karaki"), ("مرقة", "Maraqa"), ("البطش", "Al-Batsh"),
        ("الهشلمون", "Al-Hashlamoun"), ("السلايمة", "Al-Salaymeh"), ("اطميزي", "Itmaizi"),
        ("دعنا", "Daana"), ("أبو شخيدم", "Abu Shkhaidem"), ("الشلالدة", "Al-Shalaldeh"),
        ("عمرو", "Amro"), ("الطل", "Al-Tal"), ("أبو ميزر", "Abu Mayzar"),
    ],
    "SA": [
        ("آل سيف", "Al-Saif"), ("الخنيزي", "Al-Khunaizi"), ("آل نصر", "Al-Nasr"),
        ("المرهون", "Al-Marhoon"), ("آل عبد الجبار", "Al-Abduljabbar"), ("الجشي", "Al-Jishi"),
        ("آل غزوي", "Al-Ghazwi"), ("الزاير", "Al-Zayer"), ("آل حمود", "Al-Hamoud"),
        ("البيات", "Al-Bayat"), ("المسلم", "Al-Muslim"), ("آل ربح", "Al-Rubh"),
        ("الصفار", "Al-Saffar"), ("آل شبيب", "Al-Shubaib"), ("الناصر", "Al-Nasser"),
        ("القطري", "Al-Qatari"), ("العوامي", "Al-Awami"), ("المطرود", "Al-Matrood"),
        ("الفرج", "Al-Faraj"), ("آل درويش", "Al-Darwish"), ("الجارودي", "Al-Jaroudi"),
        ("آل مرار", "Al-Marar"), ("التاروتي", "Al-Tarouti"), ("الدبيسي", "Al-Dubaisi"),
    ],
}
# Establishment names: (Arabic prefix, English prefix)
TRADES = [
    ("بقالة", "Grocery"), ("سوبرماركت", "Supermarket"), ("مخبز", "Bakery"),
    ("مطعم", "Restaurant"), ("صيدلية", "Pharmacy"), ("ملحمة", "Butcher's"),
    ("محل خضار وفواكه", "Greengrocer"), ("صالون حلاقة", "Barber shop"),
    ("محل أدوات منزلية", "Household goods"), ("مكتبة وقرطاسية", "Bookshop and stationery"),
    ("محل ملابس", "Clothes shop"), ("ورشة نجارة", "Carpentry workshop"),
    ("ورشة حدادة", "Metal workshop"), ("محطة وقود", "Fuel station"),
    ("مقهى", "Café"), ("محل حلويات", "Sweet shop"), ("مغسلة ملابس", "Laundry"),
    ("محل مواد بناء", "Building materials"), ("معرض أثاث", "Furniture showroom"),
    ("محل هواتف", "Mobile phone shop"),
]
STREETS = {
    "PS": [("شارع الحوارة", "Al-Hiwwara St"), ("وسط البلد", "Town centre"),
           ("بئر المالح", "Beer Al-Maleh"), ("ادغيبيس", "Idgheibees"), ("اللوزة", "Luza"),
           ("شارع المدارس", "Schools St"), ("الحي الشرقي", "Eastern quarter")],
    "SA": [("حي الناصرة", "Al-Nasirah district"), ("شارع الملك عبد العزيز", "King Abdulaziz Rd"),
           ("سيهات - حي الفيصلية", "Saihat - Al-Faisaliyah"), ("صفوى - حي الروضة", "Safwa - Al-Rawdah"),
           ("تاروت - حي الربيعية", "Tarout - Al-Rabiyah"), ("عنك", "Anak"),
           ("القديح - حي الحسين", "Al-Qudaih")],
}
IT_SECTIONS = {
    "networks": ("الشبكات", "Networks"),
    "programming and systems analysis": ("البرمجة وتحليل النظم", "Programming and systems analysis"),
    "operations and storage": ("التشغيل والتخزين", "Operations and storage"),
    "technical support": ("الدعم الفني", "Technical support"),
    "training": ("التدريب", "Training"),
    "financial systems": ("الأنظمة المالية", "Financial systems"),
}
