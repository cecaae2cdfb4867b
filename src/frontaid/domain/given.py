"""Given names that are one name across Ukrainian, Russian and English spellings.

One line per name: the Ukrainian form first, then its Russian form(s) and the
English or other conventional forms that a transliteration would not produce
(Mykola/Nikolai/Nicholas). Latin transliterations of the Cyrillic forms need not be
listed: `names.loose` folds Ihor/Igor/Ігор/Игорь to one spelling already.

Why a table and not names-translator: names-translator (2.1) maps Ukrainian to
Russian only (no Russian → Ukrainian lookup, no English), and needs a 3 MB
dictionary and a DAWG library on every device; the ~150 most common given names
here cover the registry's people, and an unknown name still matches by its
phonetic key.
"""

from __future__ import annotations

from typing import Final

GIVEN_NAMES: Final = """
Олександр Александр Alexander Alexandre Alex Sasha Саша
Олександра Александра Alexandra Alexandra
Олексій Алексей Alexei Alexey Aleksei Alexis
Андрій Андрей Andrew Andrei Andrzej
Анатолій Анатолий Anatoly
Антон Anton Anthony
Аркадій Аркадий
Артем Артём Artem Artyom
Богдан Bogdan
Борис Boris
Вадим Vadim
Валентин Valentin
Валентина Valentina
Валерій Валерий Valery Valeriy
Василь Василий Vasily Vasiliy Basil Wasyl
Віктор Виктор Victor Wiktor
Вікторія Виктория Victoria Wiktoria
Віталій Виталий Vitaly
Володимир Владимир Vladimir Volodymyr Włodzimierz Wladimir Volodya Володя
Вʼячеслав Вячеслав Viacheslav Vyacheslav Slava Слава
Геннадій Геннадий Gennady Gennadiy
Георгій Георгий George Georgiy Heorhiy
Григорій Григорий Gregory Grigory Hryhoriy Grzegorz
Данило Даниил Данила Daniel Danil Danylo Daniil
Денис Denis Dennis
Дмитро Дмитрий Dmitry Dmitri Dmytro Dimitri
Євген Евгений Eugene Evgeny Yevgeniy Jewgeni
Євгенія Евгения Eugenia Evgenia
Іван Иван Ivan John Jan
Ігор Игорь Igor Ihor
Ілля Илья Ilya Elijah Illia
Йосип Иосиф Осип Joseph Josef Józef
Кирило Кирилл Kirill Cyril Kyrylo
Костянтин Константин Konstantin Constantine Kostiantyn
Леонід Леонид Leonid
Максим Maxim Maksym Maksim
Марко Марк Mark Marek
Матвій Матвей Matthew Matvey
Михайло Михаил Michael Mikhail Mykhailo Michał Mychajlo
Микола Николай Nicholas Nikolai Nikolay Mykola Mikołaj Nikolaus
Назар Nazar
Олег Oleg Oleh
Павло Павел Paul Pavel Paweł Pavlo
Петро Петр Пётр Peter Piotr Pyotr Petro
Роман Roman
Руслан Ruslan
Сергій Сергей Sergei Sergey Serhiy Serge
Станіслав Станислав Stanislav Stanisław
Степан Stepan Stephen Steven Stefan
Тарас Taras
Федір Федор Фёдор Theodore Fyodor Fedir Teodor
Юрій Юрий Yuri Yuriy Jerzy
Ярослав Yaroslav Jarosław
Яків Яков Jacob Jakob Jakub Yakov
Семен Семён Simon Semyon Szymon
Тимофій Тимофей Timothy Timofey
Олесь Алесь
Остап Ostap
Захар Zakhar
Едуард Эдуард Edward Eduard
Еміль Эмиль Emil
Всеволод Vsevolod
Святослав Sviatoslav
Ростислав Rostislav
Мирослав Miroslav Mirosław
Зіновій Зиновий
Лука Luka Luke
Тимур Timur
Гліб Глеб Gleb Hlib
Арсеній Арсений Arseny
Вікентій Викентий
Філіп Филипп Philip Filip
Веніамін Вениамин Benjamin
Єгор Егор Yegor Egor
Лев Lev Leo
Давид Давид David Dawid
Ганна Анна Anna Hanna Ann Anne
Олена Елена Helen Helena Elena Alena Алёна Alyona
Ольга Olga Olha
Наталія Наталия Наталья Natalia Natalie Natalya Nataliia
Тетяна Татьяна Tatiana Tatyana Tetiana
Ірина Ирина Irina Iryna Irene
Світлана Светлана Svetlana Svitlana
Людмила Ludmila Lyudmila Liudmyla
Надія Надежда Nadia Nadezhda Nadiia
Любов Любовь Lyubov Liubov
Марія Мария Maria Mary Marie Mariia
Катерина Екатерина Catherine Katherine Ekaterina Kateryna Katarzyna
Галина Galina Halyna
Оксана Oksana
Юлія Юлия Julia Yulia Julie
Вікторина Викторина
Віра Вера Vera Wiera
Лідія Лидия Lydia Lidia
Ніна Нина Nina
Раїса Раиса Raisa
Зінаїда Зинаида Zinaida
Тамара Tamara
Лариса Larisa Larysa
Валерія Валерия Valeria
Алла Alla
Інна Инна Inna
Жанна Zhanna Jeanne Janna
Зоя Zoya Zoia
Софія София Sofia Sophia Sophie Zofia
Дарина Дарья Дарʼя Daria Darya Daryna
Анастасія Анастасия Anastasia Nastya
Поліна Полина Polina Pauline
Вероніка Вероника Veronica
Яна Yana Jana
Христина Кристина Christina Kristina Khrystyna Krystyna
Діана Диана Diana
Єлизавета Елизавета Elizabeth Elizaveta Yelyzaveta Elżbieta
Маргарита Margarita Margaret
Аліна Алина Alina
Антоніна Антонина Antonina
Ангеліна Ангелина Angelina
Євдокія Евдокия Yevdokia
Уляна Ульяна Uliana Juliana
Ксенія Ксения Ksenia Xenia
Олеся Алеся Olesya Olesia
Соломія Соломия Solomiia
Мирослава Miroslava
Ярослава Yaroslava
Богдана Bogdana
Таїсія Таисия Taisia
Василина Василиса Vasilisa
Марина Marina Maryna
Віталіна Виталина
Еліна Элина Elina
Емілія Эмилия Emilia Emily
Владислав Vladislav Władysław
Владислава Vladislava
Станіслава Станислава
Ірена Irena
Степанида Stepanida
Ніколь Николь Nicole
Фросина Ефросинья Frosina
Параска Прасковья Paraskeva
Килина Kilina
Оксентій Авксентий
Панас Афанасий Athanasius
Омелян Емельян Emelian
Пилип Филип Pylyp
Хома Фома Thomas Tomasz
Гнат Игнат Ignat Ignatius
Мусій Моисей Moses
Тихон Tikhon
Назарій Nazariy
Прохор Prokhor
Никифор Nykyfor
Трохим Трофим Trofim
Харитон Khariton
Юхим Ефим Yefim Efim
Явдоха Евдокия
Ївга Евга
Левко Lev
Остапій Евстафий
"""
